import Foundation
import Testing

@testable import TensorCore

/// The atomic replace only ever replaces a regular file, and sandbox containment resolves
/// `..` and symbolic links before deciding. (The process-wide `--sandbox` switch itself is
/// tested end to end on the executable, so these tests never confine the test process.)
@Suite struct WriteGuardTests {
  private func withDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("ddcal-guard-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(try #require(WriteGuard.realPath(url.path)))
  }

  private struct Failed: Error, Equatable {
    var reason: String
  }

  private func write(_ text: String, to path: String) throws(Failed) {
    try FileReplacement.replace(path, failure: { Failed(reason: $0) }) {
      (temporary: String) throws(Failed) in
      guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else {
        throw Failed(reason: "create")
      }
    }
  }

  private func mode(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
  }

  @Test func devicesAreNeverReplaced() throws {
    #expect(
      throws: Failed(
        reason: "it is a character device, not a regular file; only regular files are replaced")
    ) {
      try write("x", to: "/dev/null")
    }
    #expect(mode("/dev/null") == S_IFCHR)
  }

  @Test func fifosAndDirectoriesAreRefused() throws {
    try withDirectory { dir in
      #expect(mkfifo(dir + "/fifo", 0o600) == 0)
      #expect(throws: Failed.self) { try write("x", to: dir + "/fifo") }
      #expect(mode(dir + "/fifo") == S_IFIFO)
      try FileManager.default.createDirectory(
        atPath: dir + "/sub", withIntermediateDirectories: false)
      #expect(throws: Failed.self) { try write("x", to: dir + "/sub") }
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["fifo", "sub"])
    }
  }

  @Test func symbolicLinksReplaceTheirTargetAndStay() throws {
    try withDirectory { dir in
      try write("old", to: dir + "/target")
      try FileManager.default.createSymbolicLink(
        atPath: dir + "/link", withDestinationPath: "target")
      try write("new", to: dir + "/link")
      #expect(mode(dir + "/link") == S_IFLNK)
      #expect(try String(contentsOfFile: dir + "/target", encoding: .utf8) == "new")
      try FileManager.default.createSymbolicLink(
        atPath: dir + "/dangling", withDestinationPath: "nope")
      #expect(throws: Failed(reason: "it is a symbolic link to a missing file")) {
        try write("x", to: dir + "/dangling")
      }
    }
  }

  @Test func containmentResolvesDotsAndLinks() throws {
    try withDirectory { dir in
      try FileManager.default.createDirectory(
        atPath: dir + "/in", withIntermediateDirectories: false)
      try FileManager.default.createSymbolicLink(atPath: dir + "/in/out", withDestinationPath: dir)
      let roots = [dir + "/in"]
      #expect(WriteGuard.isInside(dir + "/in/a.npz", roots: roots))
      #expect(WriteGuard.isInside(dir + "/in/new/deeper/a.npz", roots: roots))
      #expect(!WriteGuard.isInside(dir + "/in/../a.npz", roots: roots))
      #expect(!WriteGuard.isInside(dir + "/in/out/a.npz", roots: roots))
      #expect(!WriteGuard.isInside(dir + "/in/missing/../../a.npz", roots: roots))
      #expect(!WriteGuard.isInside("/etc/passwd", roots: roots))
      #expect(!WriteGuard.isInside(dir + "/inside-not", roots: roots))
    }
  }
}

import Foundation

/// What ddcal may write: only regular files are ever replaced, and under `--sandbox` only
/// paths inside a few directories (the working directory and the session folder).
///
/// Every writer goes through `FileReplacement.replace`, which asks `destination(of:)` first;
/// code that creates directories asks `check(directory:)`. Paths are resolved with
/// realpath(3) before the containment test, so `..` and symbolic links cannot lead out.
public enum WriteGuard {
  /// Resolved directories that writes must stay inside; nil allows every path.
  nonisolated(unsafe) public private(set) static var roots: [String]?

  /// Confines later writes to `directories` (created if missing), resolved now.
  /// - Throws: `WriteGuard.Refusal` when one cannot be created or resolved.
  public static func confine(to directories: [String]) throws {
    var resolved: [String] = []
    for directory in directories {
      try? FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      guard let real = realPath(directory) else {
        throw Refusal(path: directory, reason: "cannot be resolved: \(systemError())")
      }
      resolved.append(real)
    }
    roots = resolved
  }

  /// Lifts the confinement (tests).
  public static func release() {
    roots = nil
  }

  /// Why writing `path` is refused.
  public struct Refusal: Error, Equatable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// The reason, e.g. "it is a character device, not a regular file".
    public var reason: String

    public var description: String { "\(path): \(reason)" }
  }

  /// The file a replacement of `path` must write: `path` itself, or the regular file a
  /// symbolic link at `path` points to (the link is kept).
  /// - Throws: `Refusal` for a directory, device, fifo or socket, a dangling link, or a path
  ///   outside the sandbox.
  public static func destination(of path: String) throws(Refusal) -> String {
    var info = stat()
    var target = path
    if lstat(path, &info) == 0 {
      if info.st_mode & S_IFMT == S_IFLNK {
        guard let real = realPath(path), stat(real, &info) == 0 else {
          throw Refusal(path: path, reason: "it is a symbolic link to a missing file")
        }
        target = real
      }
      guard info.st_mode & S_IFMT == S_IFREG else {
        throw Refusal(
          path: path,
          reason: "it is \(kind(info.st_mode)), not a regular file; only regular files are "
            + "replaced")
      }
    }
    try checkInside(target, shown: path)
    return target
  }

  /// Refuses a directory `path` outside the sandbox, before it is created.
  /// - Throws: `Refusal`.
  public static func check(directory path: String) throws(Refusal) {
    try checkInside(path, shown: path)
  }

  private static func checkInside(_ path: String, shown: String) throws(Refusal) {
    guard let roots else { return }
    guard isInside(path, roots: roots) else {
      throw Refusal(
        path: shown,
        reason: "outside the sandbox (--sandbox allows writes only under "
          + roots.joined(separator: " and ") + ")")
    }
  }

  /// True when `path`, resolved, lies in one of `roots` (resolved directories).
  static func isInside(_ path: String, roots: [String]) -> Bool {
    guard let resolved = resolve(path) else { return false }
    return roots.contains { resolved == $0 || resolved.hasPrefix($0 + "/") }
  }

  /// The real path `path` would have: its longest existing prefix resolved, then the rest.
  /// nil when the rest climbs with "..".
  static func resolve(_ path: String) -> String? {
    let absolute =
      path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var existing = absolute
    var rest: [String] = []
    while realPath(existing) == nil {
      let url = URL(fileURLWithPath: existing)
      let name = url.lastPathComponent
      guard name != "/", name != "..", !existing.isEmpty else { return nil }
      if name != "." && !name.isEmpty { rest.insert(name, at: 0) }
      existing = url.deletingLastPathComponent().path
    }
    guard let base = realPath(existing) else { return nil }
    return ([base == "/" ? "" : base] + rest).joined(separator: "/")
  }

  static func realPath(_ path: String) -> String? {
    guard let pointer = realpath(path, nil) else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
  }

  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a directory"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a fifo"
    case S_IFSOCK: return "a socket"
    default: return "a special file"
    }
  }

  private static func systemError() -> String { String(cString: strerror(errno)) }
}

import Foundation
import TensorCore

/// Whole-file reads and atomic writes through POSIX calls, reporting `DatasetError`s.
enum FileIO {
  /// Bytes per `write(2)` or `gzwrite` call, and the least a growing read buffer adds.
  static let chunkSize = 1 << 20

  /// Every byte of `path`; a gzip file (magic 1f 8b) is decompressed transparently.
  static func readAll(_ path: String) throws(DatasetError) -> [UInt8] {
    let fd = try openForReading(path)
    var magic: [UInt8] = [0, 0]
    let peeked = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 2, 0) }
    if peeked == 2 && magic == [0x1f, 0x8b] {
      return try Gzip.read(fileDescriptor: fd, path: path)
    }
    defer { close(fd) }
    return try readToEnd(fd, path: path)
  }

  /// Every byte of `path`, exactly as stored.
  static func readRaw(_ path: String) throws(DatasetError) -> [UInt8] {
    let fd = try openForReading(path)
    defer { close(fd) }
    return try readToEnd(fd, path: path)
  }

  /// True when `path` names an existing regular file (or a symbolic link to one).
  static func isFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// True when `path` names an existing directory.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// The first of `candidates` that is a file, else `fileNotFound` listing them all.
  static func firstExisting(_ candidates: [String]) throws(DatasetError) -> String {
    guard let found = candidates.first(where: isFile) else {
      throw .fileNotFound(candidates: candidates)
    }
    return found
  }

  static func openForReading(_ path: String) throws(DatasetError) -> Int32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotOpen(path: path, reason: systemError()) }
    return fd
  }

  private static func readToEnd(_ fd: Int32, path: String) throws(DatasetError) -> [UInt8] {
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    return try fill(expecting: size) { buffer throws(DatasetError) in
      while true {
        let n = read(fd, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        if errno != EINTR { throw .cannotOpen(path: path, reason: systemError()) }
      }
    }
  }

  /// Collects bytes from `next`, which fills a buffer and returns how many bytes it wrote
  /// (0 at the end). `expected` sizes the first allocation; more room is added as needed.
  static func fill(
    expecting expected: Int, _ next: (UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int
  ) throws(DatasetError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: max(expected, 0) + 1)
    var filled = 0
    while true {
      if filled == out.count { out += [UInt8](repeating: 0, count: max(out.count, chunkSize)) }
      let room = min(out.count - filled, 1 << 30)
      // withUnsafeMutableBytes only rethrows untyped errors, so carry ours out by hand.
      var failure: DatasetError?
      let n = out.withUnsafeMutableBytes { raw -> Int in
        do throws(DatasetError) {
          return try next(UnsafeMutableRawBufferPointer(rebasing: raw[filled..<(filled + room)]))
        } catch {
          failure = error
          return 0
        }
      }
      if let failure { throw failure }
      if n == 0 { break }
      filled += n
    }
    out.removeSubrange(filled...)
    return out
  }

  // MARK: - Atomic writes

  /// Writes `bytes` to `path` atomically: a temporary file beside it, then rename(2).
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(DatasetError) {
    try writeAtomically(path) { (temporary: String) throws(DatasetError) in
      try writeFile(bytes, to: temporary, reportingAs: path)
    }
  }

  /// Calls `body` with a fresh temporary path in `path`'s directory, then renames it onto
  /// `path`. Readers see the old file or the complete new one, never a partial write; on any
  /// failure the temporary file is removed and `path` is untouched.
  static func writeAtomically(
    _ path: String, _ body: (String) throws(DatasetError) -> Void
  ) throws(DatasetError) {
    try FileReplacement.replace(path, failure: { .writeFailed(path: path, reason: $0) }, body)
  }

  private static func writeFile(
    _ bytes: [UInt8], to temporary: String, reportingAs path: String
  ) throws(DatasetError) {
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .writeFailed(path: path, reason: systemError()) }
    var offset = 0
    var failure: String?
    while offset < bytes.count && failure == nil {
      let length = min(chunkSize, bytes.count - offset)
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, length) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { failure = systemError() } else { offset += n }
    }
    if failure == nil && fsync(fd) != 0 { failure = systemError() }
    if close(fd) != 0 && failure == nil { failure = systemError() }
    if let failure { throw .writeFailed(path: path, reason: failure) }
  }

  /// The message for the current `errno`.
  static func systemError() -> String { String(cString: strerror(errno)) }
}

import Foundation
import TensorCore

/// Whole-file reads and atomic writes through POSIX calls, reporting `DatasetError`s.
enum FileIO {
  /// Bytes per `write(2)` or `gzwrite` call, and the least a growing read buffer adds.
  static let chunkSize = 1 << 20

  /// The most bytes a compressed file or archive member may expand to (2 GiB). Decompression
  /// stops with `DatasetError.tooLarge` as soon as the output passes it, so a gzip or zip bomb
  /// costs at most this much memory; formats whose header declares the size use that instead.
  nonisolated(unsafe) public static var maximumInflatedSize = 1 << 31

  /// Every byte of `path`; a gzip file (magic 1f 8b) is decompressed transparently, stopping
  /// with `.tooLarge` once the output exceeds `limit` bytes.
  static func readAll(
    _ path: String, limit: Int = maximumInflatedSize
  ) throws(DatasetError) -> [UInt8] {
    let fd = try openForReading(path)
    if isGzip(fd) { return try Gzip.read(fileDescriptor: fd, path: path, limit: limit) }
    defer { close(fd) }
    return try readToEnd(fd, path: path)
  }

  /// The first `count` bytes of `path` (fewer if it is shorter), decompressed if it is gzip:
  /// enough to read a header before deciding how much the whole file may hold.
  static func readPrefix(_ path: String, count: Int) throws(DatasetError) -> [UInt8] {
    let fd = try openForReading(path)
    if isGzip(fd) { return try Gzip.readPrefix(fileDescriptor: fd, path: path, count: count) }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: count)
    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, 0) }
    guard n >= 0 else { throw .cannotOpen(path: path, reason: systemError()) }
    return Array(bytes.prefix(n))
  }

  /// True when the open file starts with the gzip magic 1f 8b.
  private static func isGzip(_ fd: Int32) -> Bool {
    var magic: [UInt8] = [0, 0]
    let peeked = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 2, 0) }
    return peeked == 2 && magic == [0x1f, 0x8b]
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

  /// Opens a regular file for reading. Devices, fifos, sockets and directories are refused:
  /// reading `/dev/urandom` or a fifo would never end (or block forever).
  static func openForReading(_ path: String) throws(DatasetError) -> Int32 {
    // O_NONBLOCK so opening a fifo does not wait for a writer; cleared once it is known
    // to be a regular file.
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw .cannotOpen(path: path, reason: systemError()) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let reason = systemError()
      close(fd)
      throw .cannotOpen(path: path, reason: reason)
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      close(fd)
      throw .notRegularFile(path: path, kind: fileKind(info.st_mode))
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    return fd
  }

  /// "a directory", "a character device", … for a `st_mode` that is not a regular file.
  static func fileKind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a directory"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a fifo"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
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
  /// Collecting stops once more than `limit` bytes arrived: the result then holds
  /// `limit + 1` bytes, so the caller can tell "exactly the limit" from "more".
  static func fill(
    expecting expected: Int, limit: Int = Int.max - 1,
    _ next: (UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int
  ) throws(DatasetError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: min(max(expected, 0), limit) + 1)
    var filled = 0
    while filled <= limit {
      if filled == out.count {
        out += [UInt8](repeating: 0, count: min(max(out.count, chunkSize), limit + 1 - filled))
      }
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
    out.removeSubrange(min(filled, out.count)...)
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

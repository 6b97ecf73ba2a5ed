import CZlib
import Foundation

/// gzip files through zlib's `gzFile` API (`gzopen`/`gzread`/`gzwrite`).
public enum Gzip {
  /// The decompressed contents of the gzip file at `path`.
  ///
  /// A file without the gzip magic is returned unchanged (zlib's transparent mode).
  /// - Throws: `DatasetError.cannotOpen`, or `.zlib` with the decompressed byte offset where a
  ///   corrupt or truncated stream stopped.
  public static func read(_ path: String) throws -> [UInt8] {
    try read(fileDescriptor: FileIO.openForReading(path), path: path)
  }

  /// Compresses `bytes` into a gzip file at `path`, atomically (temporary file, then rename).
  /// - Parameters:
  ///   - bytes: The uncompressed contents.
  ///   - path: Destination; replaced if it exists.
  ///   - level: zlib compression level 0 (store) ... 9 (smallest).
  /// - Throws: `DatasetError.invalidArgument` for a bad level, `.writeFailed` otherwise.
  public static func write(_ bytes: [UInt8], to path: String, level: Int = 6) throws {
    guard (0...9).contains(level) else {
      throw DatasetError.invalidArgument(
        op: "gzip", argument: "level", value: "\(level)", expected: "0...9")
    }
    try FileIO.writeAtomically(path) { (temporary: String) throws(DatasetError) in
      guard let file = gzopen(temporary, "wb\(level)") else {
        throw .writeFailed(path: path, reason: FileIO.systemError())
      }
      var offset = 0
      while offset < bytes.count {
        let length = min(FileIO.chunkSize, bytes.count - offset)
        let written = bytes.withUnsafeBytes {
          gzwrite(file, $0.baseAddress.map { $0 + offset }, UInt32(length))
        }
        guard written > 0 else {
          let reason = message(of: file)
          gzclose(file)
          throw .writeFailed(path: path, reason: reason)
        }
        offset += Int(written)
      }
      let status = gzclose(file)
      guard status == Z_OK else {
        throw .writeFailed(path: path, reason: "gzclose failed with zlib status \(status)")
      }
    }
  }

  /// Decompresses from an open descriptor, which this call takes over and closes.
  /// - Parameter limit: the most decompressed bytes accepted; the stream is inflated only
  ///   up to one byte past it, then `.tooLarge` names the path and the limit.
  static func read(
    fileDescriptor fd: Int32, path: String, limit: Int = FileIO.maximumInflatedSize
  ) throws(DatasetError) -> [UInt8] {
    let file = try openStream(fd, path: path)
    defer { gzclose(file) }
    let out = try FileIO.fill(expecting: sizeHint(fd), limit: limit) {
      buffer throws(DatasetError) in
      Int(max(gzread(file, buffer.baseAddress, UInt32(buffer.count)), 0))
    }
    guard out.count <= limit else { throw .tooLarge(path: path, limit: limit) }
    try checkError(file, path: path, offset: out.count)
    return out
  }

  /// The first `count` decompressed bytes (fewer if the stream is shorter); takes over `fd`.
  static func readPrefix(
    fileDescriptor fd: Int32, path: String, count: Int
  ) throws(DatasetError) -> [UInt8] {
    let file = try openStream(fd, path: path)
    defer { gzclose(file) }
    var out = [UInt8](repeating: 0, count: count)
    let n = out.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
    return Array(out.prefix(Int(max(n, 0))))
  }

  private static func openStream(_ fd: Int32, path: String) throws(DatasetError) -> gzFile {
    guard let file = gzdopen(fd, "rb") else {
      close(fd)
      throw .cannotOpen(path: path, reason: "zlib could not open the stream")
    }
    gzbuffer(file, 1 << 17)
    return file
  }

  /// Throws `.zlib` when the stream stopped on an error rather than at its end.
  private static func checkError(
    _ file: gzFile, path: String, offset: Int
  ) throws(DatasetError) {
    // NOTE: a truncated stream makes gzread return 0 (not -1) with Z_BUF_ERROR pending, so the
    // error state must be checked after the loop, or a short file would read silently.
    var code: Int32 = Z_OK
    let text = gzerror(file, &code).map { String(cString: $0) } ?? ""
    guard code == Z_OK else {
      let reason = code == Z_BUF_ERROR ? "compressed data ends early" : stripPrefix(text)
      throw .zlib(path: path, offset: offset, code: code, message: reason)
    }
  }

  /// The uncompressed size from the gzip trailer (ISIZE, the size mod 2^32), capped at
  /// deflate's maximum ratio so a corrupt trailer cannot force a huge allocation.
  private static func sizeHint(_ fd: Int32) -> Int {
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_size >= 18 else { return 0 }
    var trailer: [UInt8] = [0, 0, 0, 0]
    let got = trailer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, info.st_size - 4) }
    guard got == 4 else { return 0 }
    let size = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
    return min(size, 1032 * Int(info.st_size))
  }

  private static func message(of file: gzFile) -> String {
    var code: Int32 = Z_OK
    let text = gzerror(file, &code).map { String(cString: $0) } ?? ""
    return code == Z_ERRNO ? FileIO.systemError() : stripPrefix(text)
  }

  /// zlib prefixes messages with the stream's name ("<fd:3>: "); the error has the path.
  private static func stripPrefix(_ text: String) -> String {
    guard text.hasPrefix("<fd:"), let colon = text.range(of: ": ") else { return text }
    return String(text[colon.upperBound...])
  }
}

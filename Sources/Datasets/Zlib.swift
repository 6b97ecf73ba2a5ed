import CZlib

/// In-memory zlib helpers for zip archives: CRC-32 and raw-deflate decompression.
enum Zlib {
  /// The CRC-32 (ISO-HDLC, as zip and gzip use) of `bytes`.
  static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBytes { buffer in
      var crc: UInt = CZlib.crc32(0, nil, 0)
      var offset = 0
      while offset < buffer.count {
        let length = min(1 << 30, buffer.count - offset)
        let start = buffer.baseAddress.map { $0.assumingMemoryBound(to: Bytef.self) + offset }
        crc = CZlib.crc32(crc, start, UInt32(length))
        offset += length
      }
      return UInt32(truncatingIfNeeded: crc)
    }
  }

  /// Inflates a raw deflate stream (no zlib or gzip wrapper, windowBits -15) that must expand
  /// to exactly `expectedSize` bytes.
  /// - Parameters:
  ///   - input: The compressed bytes.
  ///   - expectedSize: The uncompressed size recorded by the container.
  ///   - path: Reported in errors.
  ///   - offset: File offset of `input`'s first byte, so errors can point into the file.
  /// - Throws: `DatasetError.zlib` for corrupt or truncated data, `.badHeader` when the
  ///   stream expands to a different size.
  static func inflateRaw(
    _ input: ArraySlice<UInt8>, expectedSize: Int, path: String, offset: Int
  ) throws(DatasetError) -> [UInt8] {
    let limit = Int(UInt32.max) - 1
    guard input.count < limit, expectedSize < limit else {
      throw .badHeader(
        path: path, offset: offset, expected: "a compressed member under 4 GiB",
        found: "\(input.count) compressed, \(expectedSize) uncompressed bytes")
    }
    // One spare output byte reveals a stream that expands past `expectedSize`.
    var output = [UInt8](repeating: 0, count: expectedSize + 1)
    var stream = z_stream()
    let initStatus = inflateInit2_(
      &stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw .zlib(path: path, offset: offset, code: initStatus, message: "inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }
    let status = input.withUnsafeBytes { source in
      output.withUnsafeMutableBytes { target in
        stream.next_in = UnsafeMutablePointer(
          mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(source.count)
        stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(target.count)
        return inflate(&stream, Z_FINISH)
      }
    }
    let produced = Int(stream.total_out)
    let stoppedAt = offset + Int(stream.total_in)
    switch status {
    case Z_STREAM_END where produced == expectedSize:
      output.removeLast()
      return output
    case Z_STREAM_END:
      throw .badHeader(
        path: path, offset: offset, expected: "\(expectedSize) bytes after decompression",
        found: "\(produced)")
    case Z_BUF_ERROR where stream.avail_out == 0:
      throw .badHeader(
        path: path, offset: offset, expected: "\(expectedSize) bytes after decompression",
        found: "at least \(expectedSize + 1)")
    case Z_BUF_ERROR:
      throw .zlib(
        path: path, offset: stoppedAt, code: status, message: "compressed data ends early")
    default:
      let text = stream.msg.map { String(cString: $0) } ?? "inflate failed"
      throw .zlib(path: path, offset: stoppedAt, code: status, message: text)
    }
  }
}

import CZlib

/// In-memory zlib helpers for zip archives: CRC-32 and raw-deflate decompression.
enum Zlib {
  /// The CRC-32 of the bytes of `values`, as stored in memory.
  static func crc32(floats values: [Float]) -> UInt32 {
    values.withUnsafeBytes { checksum($0, continuing: UInt(CZlib.crc32(0, nil, 0))) }
  }

  /// The CRC-32 (ISO-HDLC, as zip and gzip use) of `bytes`, continuing `previous` (the
  /// checksum of the bytes before them).
  static func crc32(_ bytes: ArraySlice<UInt8>, continuing previous: UInt32) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0, continuing: UInt(previous)) }
  }

  /// The CRC-32 (ISO-HDLC, as zip and gzip use) of `bytes`.
  static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0, continuing: UInt(CZlib.crc32(0, nil, 0))) }
  }

  private static func checksum(
    _ buffer: UnsafeRawBufferPointer, continuing initial: UInt
  ) -> UInt32 {
    var crc = initial
    var offset = 0
    while offset < buffer.count {
      let length = min(1 << 30, buffer.count - offset)
      let start = buffer.baseAddress.map { $0.assumingMemoryBound(to: Bytef.self) + offset }
      crc = CZlib.crc32(crc, start, UInt32(length))
      offset += length
    }
    return UInt32(truncatingIfNeeded: crc)
  }

  /// Inflates a raw deflate stream (no zlib or gzip wrapper, windowBits -15) that must expand
  /// to exactly `expectedSize` bytes.
  ///
  /// The output grows in chunks as the stream inflates, never past `expectedSize + 1` bytes,
  /// so a directory entry that claims a huge size costs nothing until the data delivers it. A
  /// size beyond deflate's 1032:1 ratio or `FileIO.maximumInflatedSize` is refused up front.
  /// - Parameters:
  ///   - input: The compressed bytes.
  ///   - expectedSize: The uncompressed size recorded by the container.
  ///   - path: Reported in errors.
  ///   - offset: File offset of `input`'s first byte, so errors can point into the file.
  /// - Throws: `DatasetError.zlib` for corrupt or truncated data, `.badHeader` when the
  ///   stream expands to a different size, `.tooLarge` past the limit.
  static func inflateRaw(
    _ input: ArraySlice<UInt8>, expectedSize: Int, path: String, offset: Int
  ) throws(DatasetError) -> [UInt8] {
    try checkClaim(input.count, expectedSize, path: path, offset: offset)
    var stream = z_stream()
    let initStatus = inflateInit2_(
      &stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw .zlib(path: path, offset: offset, code: initStatus, message: "inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }
    // One spare output byte reveals a stream that expands past `expectedSize`.
    let capacity = expectedSize + 1
    var output: [UInt8] = []
    var status = Z_OK
    input.withUnsafeBytes { source in
      stream.next_in = UnsafeMutablePointer(
        mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.avail_in = UInt32(source.count)
      while status == Z_OK && output.count < capacity {
        let filled = output.count
        let grow = min(max(filled, FileIO.chunkSize), capacity - filled)
        output += [UInt8](repeating: 0, count: grow)
        output.withUnsafeMutableBytes { target in
          stream.next_out = (target.baseAddress?.assumingMemoryBound(to: Bytef.self)).map {
            $0 + filled
          }
          stream.avail_out = UInt32(grow)
          status = inflate(&stream, Z_NO_FLUSH)
        }
        output.removeSubrange((filled + grow - Int(stream.avail_out))...)
        if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
        if status == Z_BUF_ERROR { status = Z_OK }
      }
      if status == Z_OK && output.count == capacity { status = probeEnd(&stream) }
    }
    return try finish(
      output, status: status, stream: stream, expectedSize: expectedSize, path: path,
      offset: offset)
  }

  /// With the output full, whether the stream ends right there: one more call with a single
  /// spare byte returns Z_STREAM_END then, or Z_OK once the stream still has data.
  private static func probeEnd(_ stream: inout z_stream) -> Int32 {
    var spare: UInt8 = 0
    return withUnsafeMutablePointer(to: &spare) { pointer in
      stream.next_out = pointer
      stream.avail_out = 1
      let status = inflate(&stream, Z_NO_FLUSH)
      return status == Z_STREAM_END && stream.avail_out == 1 ? Z_STREAM_END : Z_OK
    }
  }

  /// Refuses sizes no valid member can have before any memory is spent on them.
  private static func checkClaim(
    _ compressed: Int, _ expectedSize: Int, path: String, offset: Int
  ) throws(DatasetError) {
    guard compressed < Int(UInt32.max) - 1 else {
      throw .badHeader(
        path: path, offset: offset, expected: "a compressed member under 4 GiB",
        found: "\(compressed) compressed bytes")
    }
    // deflate's best case is 258 bytes per 2-bit code: about 1032:1.
    let bound = compressed.multipliedReportingOverflow(by: 1032).partialValue + 1024
    guard expectedSize <= bound else {
      throw .badHeader(
        path: path, offset: offset,
        expected: "at most \(bound) bytes from \(compressed) compressed (deflate's 1032:1)",
        found: "a claimed size of \(expectedSize)")
    }
    guard expectedSize <= FileIO.maximumInflatedSize else {
      throw .tooLarge(path: path, limit: FileIO.maximumInflatedSize)
    }
  }

  private static func finish(
    _ output: [UInt8], status: Int32, stream: z_stream, expectedSize: Int, path: String,
    offset: Int
  ) throws(DatasetError) -> [UInt8] {
    let produced = output.count
    let stoppedAt = offset + Int(stream.total_in)
    switch status {
    case Z_STREAM_END where produced == expectedSize:
      return output
    case Z_STREAM_END:
      throw .badHeader(
        path: path, offset: offset, expected: "\(expectedSize) bytes after decompression",
        found: "\(produced)")
    case Z_OK where produced > expectedSize:
      throw .badHeader(
        path: path, offset: offset, expected: "\(expectedSize) bytes after decompression",
        found: "at least \(expectedSize + 1)")
    case Z_OK, Z_BUF_ERROR:
      throw .zlib(
        path: path, offset: stoppedAt, code: Z_BUF_ERROR, message: "compressed data ends early")
    default:
      let text = stream.msg.map { String(cString: $0) } ?? "inflate failed"
      throw .zlib(path: path, offset: stoppedAt, code: status, message: text)
    }
  }
}

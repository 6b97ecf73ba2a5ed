/// A read position in a byte buffer whose every read is bounds-checked.
///
/// Running off the end throws `DatasetError.truncated` naming the path, the offset and what
/// was being read, so a short file is always reported, never read silently.
struct ByteCursor {
  /// Reported in errors.
  let path: String
  let bytes: [UInt8]
  /// Index of the next unread byte.
  var offset: Int

  init(path: String, bytes: [UInt8], offset: Int = 0) {
    self.path = path
    self.bytes = bytes
    self.offset = offset
  }

  /// Bytes left after `offset`.
  var remaining: Int { max(bytes.count - offset, 0) }

  /// The next `count` bytes of `what`.
  mutating func take(_ count: Int, _ what: String) throws(DatasetError) -> ArraySlice<UInt8> {
    guard count >= 0, offset >= 0, offset <= bytes.count, count <= bytes.count - offset else {
      throw .truncated(
        path: path, offset: offset, what: what, expected: count, found: remaining)
    }
    defer { offset += count }
    return bytes[offset..<(offset + count)]
  }

  /// One byte.
  mutating func uint8(_ what: String) throws(DatasetError) -> UInt8 {
    try take(1, what).first ?? 0
  }

  /// A little-endian UInt16.
  mutating func uint16LE(_ what: String) throws(DatasetError) -> UInt16 {
    UInt16(truncatingIfNeeded: try integer(2, what, bigEndian: false))
  }

  /// A little-endian UInt32.
  mutating func uint32LE(_ what: String) throws(DatasetError) -> UInt32 {
    UInt32(truncatingIfNeeded: try integer(4, what, bigEndian: false))
  }

  /// A big-endian UInt32 (IDX dimensions).
  mutating func uint32BE(_ what: String) throws(DatasetError) -> UInt32 {
    UInt32(truncatingIfNeeded: try integer(4, what, bigEndian: true))
  }

  /// A little-endian UInt64.
  mutating func uint64LE(_ what: String) throws(DatasetError) -> UInt64 {
    try integer(8, what, bigEndian: false)
  }

  /// Throws `trailingData` unless every byte has been consumed.
  func expectEnd() throws(DatasetError) {
    guard remaining == 0 else {
      throw .trailingData(path: path, offset: offset, count: remaining)
    }
  }

  private mutating func integer(
    _ width: Int, _ what: String, bigEndian: Bool
  ) throws(DatasetError) -> UInt64 {
    let slice = try take(width, what)
    var value: UInt64 = 0
    for (k, byte) in slice.enumerated() {
      let shift = bigEndian ? 8 * (width - 1 - k) : 8 * k
      value |= UInt64(byte) << UInt64(shift)
    }
    return value
  }
}

/// One member of a zip archive, as its central-directory record describes it.
struct ZipEntry: Equatable {
  var name: String
  var flags: UInt16
  var method: UInt16
  var crc: UInt32
  var compressedSize: Int
  var size: Int
  var localHeaderOffset: Int
}

/// The subset of the zip format that `.npz` files need (PKWARE APPNOTE 6.3): stored and
/// deflated members, zip64 sizes and offsets on reading, single-disk archives only.
///
/// Readers trust the central directory for sizes (numpy forces zip64 local headers whose
/// size fields read 0xFFFFFFFF) and use each local header only to find the data.
enum Zip {
  static let localSignature: UInt32 = 0x0403_4B50
  static let centralSignature: UInt32 = 0x0201_4B50
  static let endSignature: UInt32 = 0x0605_4B50
  static let zip64EndSignature: UInt32 = 0x0606_4B50
  static let zip64LocatorSignature: UInt32 = 0x0706_4B50

  // MARK: - Reading

  /// The members listed by the central directory, in order.
  static func entries(_ bytes: [UInt8], path: String) throws(DatasetError) -> [ZipEntry] {
    guard bytes.starts(with: [0x50, 0x4B]) else {
      throw .badMagic(
        path: path, offset: 0, expected: [0x50, 0x4B, 0x03, 0x04], found: Array(bytes.prefix(4)))
    }
    let end = try findEnd(bytes, path: path)
    var cursor = ByteCursor(path: path, bytes: bytes, offset: end + 4)
    let disk = try cursor.uint16LE("zip disk number")
    let directoryDisk = try cursor.uint16LE("zip disk number")
    _ = try cursor.uint16LE("zip entry count")
    var count = Int(try cursor.uint16LE("zip entry count"))
    _ = try cursor.uint32LE("zip directory size")
    var directoryOffset = Int(try cursor.uint32LE("zip directory offset"))
    guard disk == 0 && directoryDisk == 0 else {
      throw .badHeader(
        path: path, offset: end + 4, expected: "a single-disk archive", found: "disk \(disk)")
    }
    if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
      (count, directoryOffset) = try zip64End(bytes, path: path, end: end)
    }
    cursor.offset = directoryOffset
    var entries: [ZipEntry] = []
    for _ in 0..<count { entries.append(try centralEntry(&cursor)) }
    return entries
  }

  /// The uncompressed, CRC-checked contents of `entry`.
  static func contents(
    of entry: ZipEntry, in bytes: [UInt8], path: String
  ) throws(DatasetError) -> [UInt8] {
    var cursor = ByteCursor(path: path, bytes: bytes, offset: entry.localHeaderOffset)
    try signature(&cursor, localSignature, "local file header")
    cursor.offset += 22
    let nameLength = Int(try cursor.uint16LE("local header name length"))
    let extraLength = Int(try cursor.uint16LE("local header extra length"))
    cursor.offset += nameLength + extraLength
    let start = cursor.offset
    let stored = try cursor.take(entry.compressedSize, "compressed data of \(entry.name)")
    guard entry.flags & 1 == 0 else {
      throw .badHeader(
        path: path, offset: entry.localHeaderOffset, expected: "an unencrypted member",
        found: "\(entry.name) encrypted")
    }
    let data: [UInt8]
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.size else {
        throw .badHeader(
          path: path, offset: entry.localHeaderOffset,
          expected: "equal sizes for stored member \(entry.name)",
          found: "\(entry.compressedSize) stored, \(entry.size) uncompressed")
      }
      data = Array(stored)
    case 8:
      data = try Zlib.inflateRaw(stored, expectedSize: entry.size, path: path, offset: start)
    default:
      throw .unsupportedCompression(path: path, member: entry.name, method: Int(entry.method))
    }
    let crc = Zlib.crc32(data[...])
    guard crc == entry.crc else {
      throw .checksumMismatch(path: path, member: entry.name, expected: entry.crc, found: crc)
    }
    return data
  }

  /// Offset of the end-of-central-directory record (searched backwards past any comment).
  private static func findEnd(_ bytes: [UInt8], path: String) throws(DatasetError) -> Int {
    let last = bytes.count - 22
    if last >= 0 {
      for offset in stride(from: last, through: max(0, last - 0xFFFF), by: -1)
      where bytes[offset] == 0x50 && bytes[offset + 1] == 0x4B && bytes[offset + 2] == 0x05
        && bytes[offset + 3] == 0x06
      {
        return offset
      }
    }
    throw .badHeader(
      path: path, offset: bytes.count, expected: "a zip end-of-central-directory record",
      found: "none (truncated archive?)")
  }

  /// Entry count and directory offset from the zip64 end record.
  private static func zip64End(
    _ bytes: [UInt8], path: String, end: Int
  ) throws(DatasetError) -> (Int, Int) {
    guard end >= 20 else {
      throw .badHeader(path: path, offset: end, expected: "a zip64 locator", found: "none")
    }
    var cursor = ByteCursor(path: path, bytes: bytes, offset: end - 20)
    try signature(&cursor, zip64LocatorSignature, "zip64 end locator")
    cursor.offset += 4
    cursor.offset = try int(cursor.uint64LE("zip64 end offset"), &cursor)
    try signature(&cursor, zip64EndSignature, "zip64 end record")
    cursor.offset += 8 + 2 + 2 + 4 + 4 + 8
    let count = try int(cursor.uint64LE("zip64 entry count"), &cursor)
    cursor.offset += 8
    let offset = try int(cursor.uint64LE("zip64 directory offset"), &cursor)
    return (count, offset)
  }

  /// One central-directory record, including its zip64 extra field if present.
  private static func centralEntry(_ cursor: inout ByteCursor) throws(DatasetError) -> ZipEntry {
    try signature(&cursor, centralSignature, "central directory entry")
    cursor.offset += 4
    let flags = try cursor.uint16LE("zip flags")
    let method = try cursor.uint16LE("zip method")
    cursor.offset += 4
    let crc = try cursor.uint32LE("zip CRC-32")
    var compressed = Int(try cursor.uint32LE("zip compressed size"))
    var size = Int(try cursor.uint32LE("zip size"))
    let nameLength = Int(try cursor.uint16LE("zip name length"))
    let extraLength = Int(try cursor.uint16LE("zip extra length"))
    let commentLength = Int(try cursor.uint16LE("zip comment length"))
    cursor.offset += 8
    var offset = Int(try cursor.uint32LE("zip local header offset"))
    let name = String(decoding: try cursor.take(nameLength, "zip member name"), as: UTF8.self)
    var extra = ByteCursor(
      path: cursor.path, bytes: Array(try cursor.take(extraLength, "zip extra field")))
    _ = try cursor.take(commentLength, "zip member comment")
    while extra.remaining >= 4 {
      let id = try extra.uint16LE("zip extra id")
      let length = Int(try extra.uint16LE("zip extra length"))
      let end = extra.offset + length
      if id == 1 {
        if size == 0xFFFF_FFFF { size = try int(extra.uint64LE("zip64 size"), &cursor) }
        if compressed == 0xFFFF_FFFF {
          compressed = try int(extra.uint64LE("zip64 compressed size"), &cursor)
        }
        if offset == 0xFFFF_FFFF { offset = try int(extra.uint64LE("zip64 offset"), &cursor) }
      }
      extra.offset = end
    }
    return ZipEntry(
      name: name, flags: flags, method: method, crc: crc, compressedSize: compressed, size: size,
      localHeaderOffset: offset)
  }

  private static func signature(
    _ cursor: inout ByteCursor, _ expected: UInt32, _ what: String
  ) throws(DatasetError) {
    let start = cursor.offset
    let found = try cursor.uint32LE(what)
    guard found == expected else {
      throw .badMagic(
        path: cursor.path, offset: start, expected: littleEndianBytes(expected, 4),
        found: littleEndianBytes(UInt64(found), 4))
    }
  }

  /// A 64-bit size or offset as Int, rejecting values that cannot index memory.
  private static func int(_ value: UInt64, _ cursor: inout ByteCursor) throws(DatasetError) -> Int {
    guard value <= UInt64(Int.max) else {
      throw .badHeader(
        path: cursor.path, offset: cursor.offset - 8, expected: "a size below 2^63",
        found: "\(value)")
    }
    return Int(value)
  }

  // MARK: - Writing

  /// A zip archive of `members`, all STORED (uncompressed), with fixed timestamps
  /// (1980-01-01 00:00) so equal inputs give equal bytes.
  /// - Throws: `DatasetError.writeFailed` when the archive would need zip64.
  static func archive(
    _ members: [(name: String, data: [UInt8])], path: String
  ) throws(DatasetError) -> [UInt8] {
    var bytes: [UInt8] = []
    var directory: [UInt8] = []
    guard members.count < 0xFFFF else {
      throw .writeFailed(path: path, reason: "\(members.count) members need zip64, unsupported")
    }
    for member in members {
      let offset = bytes.count
      let name = Array(member.name.utf8)
      guard member.data.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, name.count < 0xFFFF else {
        throw .writeFailed(path: path, reason: "member \(member.name) needs zip64, unsupported")
      }
      let crc = Zlib.crc32(member.data[...])
      let utf8Flag: UInt64 = member.name.utf8.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
      // version needed, flags, method 0, time 00:00, date 1980-01-01, CRC, sizes, name length.
      let common: [(UInt64, Int)] = [
        (20, 2), (utf8Flag, 2), (0, 2), (0, 2), (0x21, 2), (UInt64(crc), 4),
        (UInt64(member.data.count), 4), (UInt64(member.data.count), 4), (UInt64(name.count), 2),
      ]
      bytes += fields([(UInt64(localSignature), 4)] + common + [(0, 2)]) + name + member.data
      // made by Unix 2.0; extra, comment, disk, internal attributes; mode 0644; offset.
      let trailer: [(UInt64, Int)] = [
        (0, 2), (0, 2), (0, 2), (0, 2), (0o100644 << 16, 4), (UInt64(offset), 4),
      ]
      directory += fields([(UInt64(centralSignature), 4), (0x0314, 2)] + common + trailer) + name
    }
    let directoryOffset = bytes.count
    guard directoryOffset < 0xFFFF_FFFF else {
      throw .writeFailed(path: path, reason: "archive over 4 GiB needs zip64, unsupported")
    }
    let count = UInt64(members.count)
    bytes += directory
    bytes += fields([
      (UInt64(endSignature), 4), (0, 2), (0, 2), (count, 2), (count, 2),
      (UInt64(directory.count), 4), (UInt64(directoryOffset), 4), (0, 2),
    ])
    return bytes
  }

  /// Little-endian fields of the given byte widths, concatenated.
  private static func fields(_ values: [(UInt64, Int)]) -> [UInt8] {
    values.flatMap { littleEndianBytes($0.0, $0.1) }
  }

  private static func littleEndianBytes(_ value: UInt64, _ width: Int) -> [UInt8] {
    (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
  }

  private static func littleEndianBytes(_ value: UInt32, _ width: Int) -> [UInt8] {
    littleEndianBytes(UInt64(value), width)
  }
}

import Foundation

/// Writes small .npz files (a zip of .npy members, stored uncompressed) as numpy's `np.savez`
/// does, so tests can hand `load` data the shell itself cannot make, such as a dataset
/// with another image shape.
enum NPZFixture {
  /// One .npy member: a little-endian dtype (`<f4`, `<i8`), a shape and the raw data.
  struct Member {
    var name: String
    var descr: String
    var shape: [Int]
    var data: [UInt8]

    static func float32(_ name: String, shape: [Int], _ values: [Float]) -> Member {
      Member(
        name: name, descr: "<f4", shape: shape,
        data: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    static func int64(_ name: String, shape: [Int], _ values: [Int64]) -> Member {
      Member(
        name: name, descr: "<i8", shape: shape,
        data: values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
    }

    /// The member as an .npy file (format 1.0, header padded to 64 bytes).
    var npy: [UInt8] {
      let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
      var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
      while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
      header += "\n"
      return [0x93] + Array("NUMPY".utf8) + [1, 0] + le16(header.utf8.count) + Array(header.utf8)
        + data
    }
  }

  /// Writes `members` to `url` as a stored (method 0) zip archive.
  static func write(_ members: [Member], to url: URL) throws {
    var bytes: [UInt8] = []
    var directory: [UInt8] = []
    for member in members {
      let name = Array((member.name + ".npy").utf8)
      let contents = member.npy
      let crc = crc32(contents)
      let offset = bytes.count
      // version, flags, method, time, date, crc, sizes, name and extra lengths
      let common =
        le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc)
        + le32(contents.count) + le32(contents.count) + le16(name.count) + le16(0)
      bytes += le32(0x0403_4B50) + common + name + contents
      directory +=
        le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0)
        + le32(offset) + name
    }
    let directoryOffset = bytes.count
    bytes += directory
    bytes +=
      le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
      + le32(directory.count) + le32(directoryOffset) + le16(0)
    try Data(bytes).write(to: url)
  }

  static func le16(_ value: Int) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)]
  }

  static func le32<T: BinaryInteger>(_ value: T) -> [UInt8] {
    let v = UInt32(truncatingIfNeeded: value)
    return [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
  }

  /// CRC-32 (IEEE, reflected, as zip uses).
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}

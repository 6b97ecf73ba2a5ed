/// A short, stable identity of a dataset's contents, stored with distillation checkpoints so
/// `resume` can tell whether it was given the same real data.
extension Dataset {
  /// "N images [C, H, W], K classes, crc32 0x…": the CRC-32 of the image floats' bytes
  /// (native little-endian) followed by the labels as little-endian Int64. Equal data gives
  /// an equal fingerprint in every process; a changed pixel or label changes the checksum.
  public var fingerprint: String {
    var crc = Zlib.crc32(floats: images.data)
    for label in labels {
      let bytes = (0..<8).map { UInt8(truncatingIfNeeded: Int64(label) >> (8 * $0)) }
      crc = Zlib.crc32(bytes[...], continuing: crc)
    }
    let digits = String(crc, radix: 16)
    let hex = String(repeating: "0", count: 8 - digits.count) + digits
    return "\(count) images \(imageShape), \(classCount) classes, crc32 0x\(hex)"
  }
}

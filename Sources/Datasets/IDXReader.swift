import TensorCore

/// An IDX array of unsigned bytes: its dimensions and its elements in row-major order.
public struct IDXArray: Sendable, Equatable {
  /// Dimensions from the header, e.g. [N, 28, 28] for images or [N] for labels.
  public let shape: [Int]
  /// The elements, `shape.reduce(1, *)` of them.
  public let bytes: [UInt8]
}

/// Reads IDX files (the MNIST family's format), raw or gzip-compressed.
///
/// Layout: two zero bytes, a type code (0x08 = unsigned byte, the only one supported), the
/// number of dimensions d, d big-endian UInt32 extents, then the elements. The reader checks
/// the magic, the rank, and that the file holds exactly the elements the header promises.
/// A `.gz` file is recognised by its magic (1f 8b), not its name; offsets in errors then count
/// decompressed bytes.
public enum IDXReader {
  /// Type code of unsigned bytes.
  static let unsignedByte: UInt8 = 0x08

  /// Reads an IDX file of any rank.
  /// - Throws: `DatasetError` naming the path and byte offset of any problem.
  public static func read(_ path: String) throws -> IDXArray {
    try decode(readBytes(path), path: path, rank: nil)
  }

  /// Reads an image file: rank 3, [N, H, W] (magic 00 00 08 03).
  /// - Throws: `DatasetError`; `.badHeader` for another rank.
  public static func readImages(_ path: String) throws -> IDXArray {
    try decode(readBytes(path), path: path, rank: 3)
  }

  /// Reads a label file: rank 1, [N] (magic 00 00 08 01).
  /// - Throws: `DatasetError`; `.badHeader` for another rank.
  public static func readLabels(_ path: String) throws -> IDXArray {
    try decode(readBytes(path), path: path, rank: 1)
  }

  /// A dataset from an image file and a label file.
  /// - Parameters:
  ///   - imagesPath: Rank-3 IDX images [N, H, W]; they become [N, 1, H, W].
  ///   - labelsPath: Rank-1 IDX labels [N], each below `classNames.count`.
  ///   - name: Dataset name for messages.
  ///   - classNames: One name per class.
  ///   - normalization: Applied to pixels / 255; one channel.
  /// - Throws: `DatasetError`, including `.countMismatch` and `.labelOutOfRange`.
  public static func dataset(
    imagesPath: String, labelsPath: String, name: String, classNames: [String],
    normalization: Normalization
  ) throws -> Dataset {
    let images = try readImages(imagesPath)
    let labelFile = try readLabels(labelsPath)
    let n = images.shape[0]
    guard labelFile.shape[0] == n else {
      throw DatasetError.countMismatch(
        imagesPath: imagesPath, images: n, labelsPath: labelsPath, labels: labelFile.shape[0])
    }
    let labels = labelFile.bytes.map(Int.init)
    let headerSize = 4 + 4 * labelFile.shape.count
    if let bad = labels.firstIndex(where: { $0 >= classNames.count }) {
      throw DatasetError.labelOutOfRange(
        path: labelsPath, offset: headerSize + bad, label: labels[bad],
        classCount: classNames.count)
    }
    guard normalization.channels == 1 else {
      throw DatasetError.invalidArgument(
        op: name, argument: "normalization", value: "\(normalization.channels) channels",
        expected: "1")
    }
    let (height, width) = (images.shape[1], images.shape[2])
    let pixels = normalization.normalize(pixels: images.bytes, planeSize: height * width)
    return Dataset(
      unchecked: name, images: NDArray(shape: [n, 1, height, width], data: pixels),
      labels: labels, classCount: classNames.count, classNames: classNames,
      normalization: normalization)
  }

  /// The file's bytes. A gzip stream is inflated only up to the size its header declares (or
  /// `FileIO.maximumInflatedSize` without a readable header), so a compressed file that
  /// expands further stops with `.tooLarge` instead of filling memory.
  static func readBytes(_ path: String) throws(DatasetError) -> [UInt8] {
    let header = try FileIO.readPrefix(path, count: 4 + 4 * 255)
    guard let declared = declaredSize(header), declared <= FileIO.maximumInflatedSize else {
      return try FileIO.readAll(path)
    }
    return try FileIO.readAll(path, limit: declared)
  }

  /// Header plus element bytes as the header at the start of `bytes` declares them; nil when
  /// the header is incomplete, malformed or overflows (decoding then reports why).
  static func declaredSize(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == unsignedByte else {
      return nil
    }
    let dimensions = Int(bytes[3])
    guard bytes.count >= 4 + 4 * dimensions else { return nil }
    var total = 1
    for axis in 0..<dimensions {
      let extent = bytes[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
      let (product, overflow) = total.multipliedReportingOverflow(by: extent)
      guard !overflow else { return nil }
      total = product
    }
    let (size, overflow) = total.addingReportingOverflow(4 + 4 * dimensions)
    return overflow ? nil : size
  }

  /// Parses an IDX byte stream; `rank`, when given, is required.
  static func decode(_ bytes: [UInt8], path: String, rank: Int?) throws(DatasetError) -> IDXArray {
    var cursor = ByteCursor(path: path, bytes: bytes)
    let magic = Array(try cursor.take(4, "IDX magic"))
    guard magic[0] == 0, magic[1] == 0 else {
      let expected: [UInt8] = [0, 0, unsignedByte] + (rank.map { [UInt8($0)] } ?? [])
      throw .badMagic(path: path, offset: 0, expected: expected, found: magic)
    }
    guard magic[2] == unsignedByte else {
      throw .unsupportedDType(path: path, offset: 2, dtype: typeName(magic[2]))
    }
    let dimensions = Int(magic[3])
    if let rank, dimensions != rank {
      throw .badHeader(
        path: path, offset: 3, expected: "\(rank) dimension\(rank == 1 ? "" : "s")",
        found: "\(dimensions)")
    }
    var shape: [Int] = []
    var count = 1
    for axis in 0..<dimensions {
      let extent = Int(try cursor.uint32BE("IDX dimension \(axis)"))
      let (product, overflow) = count.multipliedReportingOverflow(by: extent)
      guard !overflow else {
        throw .badHeader(
          path: path, offset: cursor.offset - 4, expected: "dimensions whose product fits",
          found: "\(shape + [extent])")
      }
      shape.append(extent)
      count = product
    }
    let what = dimensions == 3 ? "image data" : dimensions == 1 ? "label data" : "data"
    let data = Array(try cursor.take(count, what))
    try cursor.expectEnd()
    return IDXArray(shape: shape, bytes: data)
  }

  /// The IDX name of a type code, for messages.
  static func typeName(_ code: UInt8) -> String {
    switch code {
    case 0x08: return "0x08 (unsigned byte)"
    case 0x09: return "0x09 (signed byte)"
    case 0x0B: return "0x0b (int16)"
    case 0x0C: return "0x0c (int32)"
    case 0x0D: return "0x0d (float32)"
    case 0x0E: return "0x0e (float64)"
    default: return "0x\(String(code, radix: 16)) (unknown)"
    }
  }
}

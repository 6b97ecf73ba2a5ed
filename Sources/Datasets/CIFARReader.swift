import TensorCore

/// The record layout of a CIFAR binary batch file.
///
/// CIFAR-10 records are 1 label byte + 3,072 pixel bytes; CIFAR-100 records are a coarse
/// label byte, a fine label byte, then the pixels. Pixels are 1,024 red, 1,024 green and
/// 1,024 blue bytes, each plane 32×32 row-major, i.e. one [3, 32, 32] image.
public enum CIFARLayout: Sendable, Equatable {
  /// 10 classes, one label byte.
  case cifar10
  /// 100 fine classes (20 coarse), two label bytes.
  case cifar100

  /// Bytes of labels before the pixels.
  var labelBytes: Int {
    switch self {
    case .cifar10: return 1
    case .cifar100: return 2
    }
  }

  /// Bytes of one image, 3·32·32.
  static let imageBytes = 3 * 32 * 32

  /// Bytes of one record.
  var recordSize: Int { labelBytes + Self.imageBytes }

  /// Number of (fine) classes.
  var classCount: Int {
    switch self {
    case .cifar10: return 10
    case .cifar100: return 100
    }
  }
}

/// The contents of one CIFAR batch file.
public struct CIFARBatch: Sendable, Equatable {
  /// Pixels of N images, [N, 3, 32, 32] row-major.
  public let pixels: [UInt8]
  /// Labels (for CIFAR-100 the fine labels, 0..<100).
  public let labels: [Int]
  /// CIFAR-100 coarse labels (0..<20); empty for CIFAR-10.
  public let coarseLabels: [Int]

  /// Number of images.
  public var count: Int { labels.count }
}

/// Reads CIFAR-10 and CIFAR-100 binary batch files (the "binary version" downloads).
public enum CIFARReader {
  /// Reads one batch file (raw, or gzip-compressed and recognised by its magic).
  /// - Throws: `DatasetError.truncated` when the size is not a whole number of records,
  ///   `.labelOutOfRange` for a bad label byte, or a file error.
  public static func readBatch(_ path: String, layout: CIFARLayout) throws -> CIFARBatch {
    try decode(FileIO.readAll(path), path: path, layout: layout)
  }

  /// A dataset from batch files read in order and concatenated.
  /// - Parameters:
  ///   - paths: Batch files, e.g. `data_batch_1.bin` … `data_batch_5.bin`.
  ///   - layout: Record layout of every file.
  ///   - name: Dataset name for messages.
  ///   - classNames: One name per class of `layout`.
  ///   - normalization: Three-channel constants applied to pixels / 255.
  /// - Returns: Images [N, 3, 32, 32] and (fine) labels.
  public static func dataset(
    paths: [String], layout: CIFARLayout, name: String, classNames: [String],
    normalization: Normalization
  ) throws -> Dataset {
    guard normalization.channels == 3 else {
      throw DatasetError.invalidArgument(
        op: name, argument: "normalization", value: "\(normalization.channels) channels",
        expected: "3")
    }
    var pixels: [UInt8] = []
    var labels: [Int] = []
    for path in paths {
      let batch = try readBatch(path, layout: layout)
      pixels += batch.pixels
      labels += batch.labels
    }
    let images = NDArray(
      shape: [labels.count, 3, 32, 32],
      data: normalization.normalize(pixels: pixels, planeSize: 32 * 32))
    return try Dataset(
      name: name, images: images, labels: labels, classCount: layout.classCount,
      classNames: classNames, normalization: normalization)
  }

  /// Splits a batch file's bytes into records, checking sizes and label ranges.
  static func decode(
    _ bytes: [UInt8], path: String, layout: CIFARLayout
  ) throws(DatasetError) -> CIFARBatch {
    let recordSize = layout.recordSize
    let count = bytes.count / recordSize
    let whole = count * recordSize
    guard bytes.count > 0, whole == bytes.count else {
      throw .truncated(
        path: path, offset: whole, what: "a \(recordSize)-byte CIFAR record",
        expected: recordSize, found: bytes.count - whole)
    }
    var pixels = [UInt8]()
    pixels.reserveCapacity(count * CIFARLayout.imageBytes)
    var labels = [Int]()
    var coarse = [Int]()
    for record in 0..<count {
      let start = record * recordSize
      if layout == .cifar100 {
        coarse.append(try label(bytes, at: start, below: 20, path: path))
      }
      labels.append(
        try label(bytes, at: start + layout.labelBytes - 1, below: layout.classCount, path: path))
      pixels += bytes[(start + layout.labelBytes)..<(start + recordSize)]
    }
    return CIFARBatch(pixels: pixels, labels: labels, coarseLabels: coarse)
  }

  private static func label(
    _ bytes: [UInt8], at offset: Int, below classCount: Int, path: String
  ) throws(DatasetError) -> Int {
    let value = Int(bytes[offset])
    guard value < classCount else {
      throw .labelOutOfRange(path: path, offset: offset, label: value, classCount: classCount)
    }
    return value
  }

  /// `directory/subfolder` when that folder exists (the archives unpack into one), else
  /// `directory`, with a trailing slash.
  static func resolve(_ directory: String, subfolder: String) -> String {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    return FileIO.isDirectory(base + subfolder) ? base + subfolder + "/" : base
  }

  /// The path of `name` in `directory`, or `name.gz` if only that exists.
  static func locate(_ name: String, in directory: String) throws -> String {
    try FileIO.firstExisting([directory + name, directory + name + ".gz"])
  }
}

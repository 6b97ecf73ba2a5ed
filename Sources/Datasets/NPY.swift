import Foundation

/// Reads and writes numpy `.npy` files (format versions 1.0, 2.0 and 3.0), C order only.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (UInt16 little-endian in 1.0, UInt32 in 2.0/3.0), the header dictionary padded with
/// spaces and a newline to a multiple of 64 bytes, then the raw little-endian elements.
/// Object arrays (pickles), Fortran order and big-endian types are rejected.
public enum NPY {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Reads a `.npy` file.
  /// - Throws: `DatasetError` with the path and byte offset of any problem.
  public static func read(_ path: String) throws -> NPYArray {
    try decode(FileIO.readRaw(path), path: path)
  }

  /// Writes `array` to `path` atomically (temporary file in the same directory, then rename).
  /// - Throws: `DatasetError.writeFailed`.
  public static func write(_ array: NPYArray, to path: String) throws {
    try FileIO.writeAtomically(encode(array), to: path)
  }

  /// The bytes of a `.npy` file holding `array`, identical to numpy 2's `np.save`.
  public static func encode(_ array: NPYArray) -> [UInt8] {
    let header = NPYHeader(descr: array.descr, fortranOrder: false, shape: array.shape)
    var bytes = wrap(Array(header.text.utf8))
    switch array.elements {
    case .float32(let values): appendLittleEndian(values.map(\.bitPattern), to: &bytes)
    case .float64(let values): appendLittleEndian(values.map(\.bitPattern), to: &bytes)
    case .int64(let values): appendLittleEndian(values.map(Int64.init), to: &bytes)
    case .uint8(let values): bytes += values
    }
    return bytes
  }

  /// Parses the bytes of a `.npy` file; `path` names them in errors.
  /// - Throws: `DatasetError` for a bad magic, version, header, dtype or data size.
  public static func decode(_ bytes: [UInt8], path: String) throws -> NPYArray {
    try decodeTyped(bytes, path: path)
  }

  // MARK: - Header framing

  /// Magic, version, length and padded header; version 1.0 unless the header needs 2.0.
  /// Padding follows numpy: `64 − (prefix + text + 1) % 64` spaces (a full 64 when already
  /// aligned), then '\n'.
  static func wrap(_ text: [UInt8]) -> [UInt8] {
    for (major, lengthSize) in [(UInt8(1), 2), (UInt8(2), 4)] {
      let prefix = magic.count + 2 + lengthSize
      let padding = 64 - (prefix + text.count + 1) % 64
      let length = text.count + padding + 1
      guard lengthSize == 4 || length <= Int(UInt16.max) else { continue }
      var bytes = magic + [major, 0]
      for k in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * k))) }
      return bytes + text + [UInt8](repeating: 0x20, count: padding) + [0x0A]
    }
    preconditionFailure("unreachable: version 2.0 always fits")
  }

  private static func appendLittleEndian<T: FixedWidthInteger>(
    _ values: [T], to bytes: inout [UInt8]
  ) {
    let width = MemoryLayout<T>.size
    let start = bytes.count
    bytes += [UInt8](repeating: 0, count: values.count * width)
    bytes.withUnsafeMutableBytes { raw in
      for (i, value) in values.enumerated() {
        raw.storeBytes(of: value.littleEndian, toByteOffset: start + i * width, as: T.self)
      }
    }
  }

  // MARK: - Decoding

  static func decodeTyped(_ bytes: [UInt8], path: String) throws(DatasetError) -> NPYArray {
    var cursor = ByteCursor(path: path, bytes: bytes)
    let found = Array(bytes.prefix(magic.count))
    guard found == magic else {
      throw .badMagic(path: path, offset: 0, expected: magic, found: found)
    }
    cursor.offset = magic.count
    let major = try cursor.uint8("npy version")
    let minor = try cursor.uint8("npy version")
    guard (1...3).contains(major), minor == 0 else {
      throw .badHeader(
        path: path, offset: magic.count, expected: "format version 1.0, 2.0 or 3.0",
        found: "\(major).\(minor)")
    }
    let length =
      major == 1
      ? Int(try cursor.uint16LE("npy header length"))
      : Int(try cursor.uint32LE("npy header length"))
    let base = cursor.offset
    let header = try NPYHeader.parse(try cursor.take(length, "npy header"), base: base, path: path)
    guard !header.fortranOrder else {
      throw .badHeader(
        path: path, offset: header.fortranOrderOffset, expected: "fortran_order False (C order)",
        found: "True")
    }
    guard let type = ElementType(descr: header.descr) else {
      throw .unsupportedDType(path: path, offset: header.descrOffset, dtype: describe(header.descr))
    }
    let (count, overflow) = header.shape.reduce((1, false)) { acc, extent in
      let (product, over) = acc.0.multipliedReportingOverflow(by: extent)
      return (product, acc.1 || over)
    }
    let (byteCount, tooBig) = count.multipliedReportingOverflow(by: type.size)
    guard !overflow && !tooBig else {
      throw .malformedNPYHeader(
        path: path, offset: base, reason: "shape \(header.shape) is too large")
    }
    let data = try cursor.take(byteCount, "array data for shape \(header.shape) of \(header.descr)")
    try cursor.expectEnd()
    return NPYArray(unchecked: header.shape, type.decode(data, count: count))
  }

  /// How an unsupported descr is named in errors.
  private static func describe(_ descr: String) -> String {
    if descr.contains("O") { return "'\(descr)' (object arrays need pickle, which is refused)" }
    return "'\(descr)' (supported: <f4, <f8, <i8, <i4, |u1, |b1)"
  }

  /// The element types the reader understands.
  enum ElementType {
    case float32, float64, int64, int32, uint8, bool

    init?(descr: String) {
      switch descr {
      case "<f4": self = .float32
      case "<f8": self = .float64
      case "<i8": self = .int64
      case "<i4": self = .int32
      case "|u1", "<u1": self = .uint8
      case "|b1": self = .bool
      default: return nil
      }
    }

    var size: Int {
      switch self {
      case .float32, .int32: return 4
      case .float64, .int64: return 8
      case .uint8, .bool: return 1
      }
    }

    /// Converts `count` little-endian elements to the stored representation.
    func decode(_ data: ArraySlice<UInt8>, count: Int) -> NPYArray.Elements {
      data.withUnsafeBytes { raw in
        func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
          T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
        }
        switch self {
        case .float32:
          return .float32((0..<count).map { Float(bitPattern: load(UInt32.self, $0)) })
        case .float64:
          return .float64((0..<count).map { Double(bitPattern: load(UInt64.self, $0)) })
        case .int64: return .int64((0..<count).map { Int(load(Int64.self, $0)) })
        case .int32: return .int64((0..<count).map { Int(load(Int32.self, $0)) })
        case .uint8: return .uint8(Array(raw.prefix(count)))
        case .bool: return .uint8(raw.prefix(count).map { $0 == 0 ? 0 : 1 })
        }
      }
    }
  }
}

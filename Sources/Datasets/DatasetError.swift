/// Everything that can go wrong while reading, writing or slicing a dataset.
///
/// Cases carry structured payloads (path, byte offset, expected and found values); the
/// one-line message lives only in `description`. Offsets count bytes from the start of the
/// stream named by `path`: for a `.gz` file that is the decompressed stream, and for a member
/// of an `.npz` archive the path reads `archive.npz[member.npy]` and the offset counts from the
/// member's first decompressed byte.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be opened or read; `reason` is the system's message.
  case cannotOpen(path: String, reason: String)
  /// None of the candidate files exists.
  case fileNotFound(candidates: [String])
  /// The path names a directory, device, fifo or socket, not a regular file (`kind` says
  /// which); readers refuse those, as reading them may never end.
  case notRegularFile(path: String, kind: String)
  /// Decompressed data would exceed `limit` bytes (a header's declared size or
  /// `FileIO.maximumInflatedSize`); decompression stopped there.
  case tooLarge(path: String, limit: Int)
  /// The data ends early: `expected` bytes of `what` were due at `offset`, only `found` remain.
  case truncated(path: String, offset: Int, what: String, expected: Int, found: Int)
  /// `count` bytes remain after the end of the data, starting at `offset`.
  case trailingData(path: String, offset: Int, count: Int)
  /// The file does not start with the format's magic bytes.
  case badMagic(path: String, offset: Int, expected: [UInt8], found: [UInt8])
  /// A header field holds an impossible value.
  case badHeader(path: String, offset: Int, expected: String, found: String)
  /// The element type is not one this reader supports.
  case unsupportedDType(path: String, offset: Int, dtype: String)
  /// The dictionary in a `.npy` header cannot be parsed or lacks a required key.
  case malformedNPYHeader(path: String, offset: Int, reason: String)
  /// A label byte in a file lies outside `0..<classCount`.
  case labelOutOfRange(path: String, offset: Int, label: Int, classCount: Int)
  /// An in-memory label lies outside `0..<classCount`.
  case invalidLabel(dataset: String, index: Int, label: Int, classCount: Int)
  /// The index at `position` of a list of example indices lies outside `0..<count`.
  case indexOutOfRange(dataset: String, position: Int, index: Int, count: Int)
  /// A float array meant to hold integers (labels, indices) has a fraction at `position`.
  case notWholeNumber(position: Int, value: Float)
  /// A row of a one-hot label array is not a single 1 among 0s.
  case notOneHot(row: Int)
  /// An array has a shape the operation cannot take; `expected` names the layouts it can.
  case badLayout(shape: [Int], expected: String)
  /// An image file and its label file disagree on the number of examples.
  case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
  /// An `.npz` archive has no member called `name`.
  case missingMember(path: String, name: String, available: [String])
  /// A zip member uses a compression method other than stored (0) or deflated (8).
  case unsupportedCompression(path: String, member: String, method: Int)
  /// A zip member's CRC-32 does not match its contents.
  case checksumMismatch(path: String, member: String, expected: UInt32, found: UInt32)
  /// zlib rejected compressed data; `offset` is where decompression stopped.
  case zlib(path: String, offset: Int, code: Int32, message: String)
  /// A file could not be written; `reason` is the system's message.
  case writeFailed(path: String, reason: String)
  /// A class has fewer examples than a per-class sample asked for.
  case notEnoughSamples(dataset: String, classIndex: Int, available: Int, requested: Int)
  /// An argument lies outside its valid range.
  case invalidArgument(op: String, argument: String, value: String, expected: String)

  /// The one-line message, starting with the path and byte offset where there is one.
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason):
      return "\(path): cannot open: \(reason)"
    case .notRegularFile(let path, let kind):
      return "\(path): cannot read: it is \(kind), not a regular file"
    case .tooLarge(let path, let limit):
      return "\(path): decompressed data exceeds the limit of \(limit) bytes; stopped there"
    case .fileNotFound(let candidates):
      return "no such file: tried \(candidates.joined(separator: ", "))"
    case .truncated(let path, let offset, let what, let expected, let found):
      return
        "\(path): byte \(offset): expected \(expected) bytes of \(what), file ends after \(found)"
    case .trailingData(let path, let offset, let count):
      return "\(path): byte \(offset): \(count) unexpected bytes after the end of the data"
    case .badMagic(let path, let offset, let expected, let found):
      return "\(path): byte \(offset): expected magic \(hex(expected)), found \(hex(found))"
    case .badHeader(let path, let offset, let expected, let found):
      return "\(path): byte \(offset): expected \(expected), found \(found)"
    case .unsupportedDType(let path, let offset, let dtype):
      return "\(path): byte \(offset): unsupported dtype \(dtype)"
    case .malformedNPYHeader(let path, let offset, let reason):
      return "\(path): byte \(offset): malformed .npy header: \(reason)"
    case .labelOutOfRange(let path, let offset, let label, let classCount):
      return "\(path): byte \(offset): label \(label) is outside 0..<\(classCount)"
    case .invalidLabel(let dataset, let index, let label, let classCount):
      return "\(dataset): label \(label) at index \(index) is outside 0..<\(classCount)"
    case .indexOutOfRange(let dataset, let position, let index, let count):
      return "\(dataset): index \(index) at position \(position) is outside 0..<\(count)"
    case .notWholeNumber(let position, let value):
      return "position \(position): \(value) is not a whole number"
    case .notOneHot(let row):
      return "row \(row): not one-hot (expected a single 1, the rest 0)"
    case .badLayout(let shape, let expected):
      return "shape \(shape): expected \(expected)"
    case .countMismatch(let imagesPath, let images, let labelsPath, let labels):
      return "\(imagesPath) has \(images) images but \(labelsPath) has \(labels) labels"
    case .missingMember(let path, let name, let available):
      let list = available.isEmpty ? "none" : available.joined(separator: ", ")
      return "\(path): no member named '\(name)' (members: \(list))"
    case .unsupportedCompression(let path, let member, let method):
      return "\(path)[\(member)]: unsupported zip compression method \(method)"
        + " (only 0 stored and 8 deflated)"
    case .checksumMismatch(let path, let member, let expected, let found):
      return
        "\(path)[\(member)]: CRC-32 mismatch: expected \(hex32(expected)), found \(hex32(found))"
    case .zlib(let path, let offset, let code, let message):
      return "\(path): byte \(offset): zlib error \(code): \(message)"
    case .writeFailed(let path, let reason):
      return "\(path): cannot write: \(reason)"
    case .notEnoughSamples(let dataset, let classIndex, let available, let requested):
      return "\(dataset): class \(classIndex) has \(available) examples, \(requested) requested"
    case .invalidArgument(let op, let argument, let value, let expected):
      return "\(op): \(argument) is \(value), expected \(expected)"
    }
  }
}

/// Bytes as space-separated two-digit hex, e.g. "00 00 08 03".
private func hex(_ bytes: [UInt8]) -> String {
  bytes.map { byte in
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
  }.joined(separator: " ")
}

/// A 32-bit value as 0x-prefixed, eight-digit hex.
private func hex32(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

/// A named array read from an `.npz` archive.
public struct NPZMember: Sendable, Equatable {
  /// The key, i.e. the member's file name without ".npy".
  public let name: String
  /// The array.
  public let array: NPYArray

  /// A member called `name` holding `array`.
  public init(name: String, array: NPYArray) {
    self.name = name
    self.array = array
  }
}

/// The arrays of an `.npz` archive in archive order.
public struct NPZArchive: Sendable, Equatable {
  /// The file it came from, for messages.
  public let path: String
  /// Members in archive order.
  public let members: [NPZMember]

  /// Member names in archive order.
  public var names: [String] { members.map(\.name) }

  /// The array called `name`, or nil.
  public subscript(name: String) -> NPYArray? {
    members.first { $0.name == name }?.array
  }

  /// The array called `name`.
  /// - Throws: `DatasetError.missingMember` listing the names that do exist.
  public func array(named name: String) throws -> NPYArray {
    guard let found = self[name] else {
      throw DatasetError.missingMember(path: path, name: name, available: names)
    }
    return found
  }
}

/// Reads and writes numpy `.npz` files: zip archives whose members are `.npy` files named
/// after their keys.
///
/// Writing stores members uncompressed, like `np.savez`; reading accepts stored and deflated
/// members, so `np.savez_compressed` output loads too. Members whose names do not end in
/// ".npy" are skipped, as they hold no array.
public enum NPZ {
  /// Reads every array of an `.npz` file, in archive order.
  /// - Throws: `DatasetError` for a malformed archive, a CRC mismatch, a zlib error, or a
  ///   malformed member (its path then reads `archive.npz[name.npy]`).
  public static func read(_ path: String) throws -> NPZArchive {
    try decode(FileIO.readRaw(path), path: path)
  }

  /// Parses the bytes of an `.npz` file; `path` names them in errors.
  /// - Throws: as `read(_:)`.
  public static func decode(_ bytes: [UInt8], path: String) throws -> NPZArchive {
    var members: [NPZMember] = []
    for entry in try Zip.entries(bytes, path: path) where entry.name.hasSuffix(".npy") {
      let data = try Zip.contents(of: entry, in: bytes, path: path)
      let array = try NPY.decodeTyped(data, path: "\(path)[\(entry.name)]")
      members.append(NPZMember(name: String(entry.name.dropLast(4)), array: array))
    }
    return NPZArchive(path: path, members: members)
  }

  /// Writes `arrays` as an `.npz` file at `path`, atomically (temporary file, then rename).
  /// - Parameters:
  ///   - arrays: (key, array) pairs in the order to store them; keys must be unique.
  ///   - path: Destination; replaced if it exists.
  /// - Throws: `DatasetError.invalidArgument` for a repeated key, `.writeFailed` otherwise.
  public static func write(_ arrays: [(String, NPYArray)], to path: String) throws {
    try FileIO.writeAtomically(encode(arrays, path: path), to: path)
  }

  /// The bytes of an `.npz` file holding `arrays` as STORED members `key.npy`.
  /// - Throws: `DatasetError.invalidArgument` for a repeated key, `.writeFailed` when the
  ///   archive would need zip64.
  public static func encode(_ arrays: [(String, NPYArray)], path: String = "<npz>") throws
    -> [UInt8]
  {
    var seen: Set<String> = []
    for (key, _) in arrays where !seen.insert(key).inserted {
      throw DatasetError.invalidArgument(
        op: "npz", argument: "key", value: "'\(key)' (repeated)", expected: "unique keys")
    }
    let members = arrays.map { (name: $0.0 + ".npy", data: NPY.encode($0.1)) }
    return try Zip.archive(members, path: path)
  }
}

import Foundation

/// Fixture paths, temporary directories and tiny file builders shared by the suites.
enum TestFiles {
  /// `Tests/DatasetsTests/Fixtures`, found from this file's path (no bundle resources).
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// The path of fixture `name`.
  static func fixture(_ name: String) -> String { fixtures + "/" + name }

  /// The bytes of fixture `name`.
  static func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name))))
  }

  /// Runs `body` with a fresh empty directory that is removed afterwards.
  @discardableResult
  static func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("ddcal-datasets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
  }

  /// Writes `bytes` to `path` with Foundation (independent of the code under test).
  static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  /// Reads `path` with Foundation.
  static func read(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Names in `directory`, sorted.
  static func listing(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
  }

  /// An IDX file: magic 00 00 `typeCode` rank, big-endian extents, then `data`.
  static func idx(shape: [Int], data: [UInt8], typeCode: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeCode, UInt8(shape.count)]
    for extent in shape {
      bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: extent >> $0) }
    }
    return bytes + data
  }
}

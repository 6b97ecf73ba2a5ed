import Datasets
import Foundation
import TensorCore

/// The .npz layout of a synthetic set: the dataset members of `Dataset.npzMembers()` plus
/// `ddcal.ipc` int64 [1], `ddcal.iteration` int64 [1], `ddcal.lr` float32 [0 or 1] and
/// `ddcal.settings` uint8 (UTF-8 "key=value" lines). RTP sets add `ddcal.rtp.bases` float32
/// [K, C, h, w], `ddcal.rtp.addresses` float32 [N, K] and `ddcal.rtp.downsample` int64 [1]; the
/// images are saved too (for numpy), and recomputed from the memory on reading. Checkpoints add
/// optimizer state.
extension SyntheticSet {
  /// The archive members; `extra` are appended (checkpoint state).
  public func npzMembers(extra: [(String, NPYArray)] = []) throws -> [(String, NPYArray)] {
    let dataset = try self.dataset(name: sourceName)
    let settingsBytes = Array(settings.joined(separator: "\n").utf8)
    let lr = learningRate.map { [$0] } ?? []
    return try dataset.npzMembers() + [
      ("ddcal.ipc", try NPYArray(int64: [imagesPerClass], shape: [1])),
      ("ddcal.iteration", try NPYArray(int64: [iteration], shape: [1])),
      ("ddcal.lr", try NPYArray(float32: lr, shape: [lr.count])),
      ("ddcal.settings", try NPYArray(uint8: settingsBytes, shape: [settingsBytes.count])),
      ("ddcal.source", try NPYArray(uint8: Array(sourceName.utf8), shape: [sourceName.utf8.count])),
    ] + memoryMembers() + extra
  }

  private func memoryMembers() throws -> [(String, NPYArray)] {
    guard let memory else { return [] }
    return [
      ("ddcal.rtp.bases", NPYArray(memory.bases)),
      ("ddcal.rtp.addresses", NPYArray(memory.addresses)),
      ("ddcal.rtp.downsample", try NPYArray(int64: [memory.downsample], shape: [1])),
    ]
  }

  /// Writes the set atomically to `path`.
  public func save(to path: String) throws {
    try NPZ.write(try npzMembers(), to: path)
  }

  /// True when the archive holds a synthetic set (has `ddcal.ipc`).
  public static func isSyntheticSet(_ archive: NPZArchive) -> Bool { archive["ddcal.ipc"] != nil }

  /// Reads a set written by `save(to:)` (or a checkpoint).
  public init(npz archive: NPZArchive) throws {
    let path = archive.path
    guard let ipc = archive["ddcal.ipc"]?.integers?.first, ipc >= 1 else {
      throw DistillationError.malformedFile(path: path, message: "no ddcal.ipc member")
    }
    var source = "synthetic"
    if case .uint8(let bytes)? = archive["ddcal.source"]?.elements {
      source = String(decoding: bytes, as: UTF8.self)
    }
    let dataset = try Dataset(npz: archive, name: source)
    guard dataset.count == dataset.classCount * ipc,
      dataset.labels == (0..<dataset.classCount).flatMap({ Array(repeating: $0, count: ipc) })
    else {
      throw DistillationError.malformedFile(
        path: path, message: "labels are not \(ipc) per class in class order")
    }
    var settings: [String] = []
    if case .uint8(let bytes)? = archive["ddcal.settings"]?.elements, !bytes.isEmpty {
      settings = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
    self.init(
      images: dataset.images, labels: dataset.labels, imagesPerClass: ipc, sourceName: source,
      classNames: dataset.classNames, normalization: dataset.normalization,
      learningRate: archive["ddcal.lr"]?.float32Array?.data.first,
      iteration: archive["ddcal.iteration"]?.integers?.first ?? 0, settings: settings)
    if let memory = try Self.memory(archive) {
      guard memory.addressCount == images.shape[0], memory.imageShape == dataset.imageShape else {
        throw DistillationError.malformedFile(
          path: path, message: "the rtp bases and addresses do not make the saved images")
      }
      update(memory: memory)
    }
  }

  /// The RTP members of an archive, or nil when it has none.
  private static func memory(_ archive: NPZArchive) throws -> AddressableMemory? {
    guard let bases = archive["ddcal.rtp.bases"]?.float32Array else { return nil }
    let path = archive.path
    guard let addresses = archive["ddcal.rtp.addresses"]?.float32Array,
      let ds = archive["ddcal.rtp.downsample"]?.integers?.first, ds >= 1
    else {
      throw DistillationError.malformedFile(
        path: path, message: "ddcal.rtp.bases without addresses or downsample")
    }
    guard bases.rank == 4, addresses.rank == 2, addresses.shape[1] == bases.shape[0],
      bases.shape[0] >= 1
    else {
      throw DistillationError.malformedFile(
        path: path,
        message: "rtp bases \(bases.shape) and addresses \(addresses.shape) do not fit together")
    }
    return AddressableMemory(bases: bases, addresses: addresses, downsample: ds)
  }

  /// Reads the set at `path`.
  public static func load(path: String) throws -> SyntheticSet {
    try SyntheticSet(npz: try NPZ.read(path))
  }
}

import Calibration
import Datasets
import Distillation
import Foundation
import NN
import TensorCore

/// A shell object that `save` can write. Each object owns its file layout; `Archive` only
/// routes values to it and reads files back.
protocol SavableObject: ShellObject {
  /// Writes the object to `path` (its extension picks the format); atomically.
  /// - Throws: `ShellError` for an unsupported extension, file errors otherwise.
  func save(to path: String) throws
}

/// Saving values and loading files, readable with numpy.
///
/// Model: one float32 member per parameter (dotted names), `ddcal.config` int64
/// [channels, height, width, classes, depth, width, norm, pooling] and `ddcal.temperature`
/// (float64; float32 in older files). Dataset: `images` float32 [N, C, H, W], `labels` int64
/// [N], `ddcal.classes` uint8 (names joined by newlines), `ddcal.mean`/`ddcal.std` float32 [C].
/// Predictions: `logits` [N, K], `labels` int64 [N], optional `temperature` [1].
enum Archive {
  /// Writes `value` to `path`, creating missing parent folders first (as a notebook's
  /// `save x "results/run-3/x.npz"` expects).
  static func save(_ value: Value, to path: String) throws {
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
    if !FileManager.default.fileExists(atPath: parent.path) {
      do {
        try WriteGuard.check(directory: parent.path)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
      } catch let refusal as WriteGuard.Refusal {
        throw ShellError.io(path: path, message: refusal.reason)
      } catch {
        throw ShellError.io(
          path: parent.path, message: "cannot create the folder: \(error.localizedDescription)")
      }
    }
    switch value {
    case .tensor(let array):
      if path.hasSuffix(".npy") {
        try NPY.write(NPYArray(array), to: path)
      } else {
        try NPZ.write([("array", NPYArray(array))], to: path)
      }
    case .object(let object as SavableObject):
      try object.save(to: path)
    default:
      throw ShellError.failed("cannot save a \(value.typeName)")
    }
  }

  static func load(path: String) throws -> Value {
    if path.hasSuffix(".npy") { return .tensor(try NPY.read(path).toNDArray()) }
    let archive = try NPZ.read(path)
    if let config = archive["ddcal.config"]?.integers { return try model(archive, config, path) }
    if CalibrationTableFile.isTable(archive) {
      return .object(try CalibrationTableFile.read(archive, path: path))
    }
    if SyntheticSet.isSyntheticSet(archive) {
      return .object(try DatasetObject(synthetic: try SyntheticSet(npz: archive)))
    }
    if archive["images"] != nil, archive["labels"] != nil { return try dataset(archive, path) }
    if archive["logits"] != nil, archive["labels"] != nil {
      return .object(try PredictionsFiles.read(archive, path: path))
    }
    if archive.members.count == 1, let only = archive.members.first {
      return .tensor(only.array.toNDArray())
    }
    return .list(archive.members.map { .tensor($0.array.toNDArray()) })
  }

  private static func model(_ archive: NPZArchive, _ c: [Int], _ path: String) throws -> Value {
    guard let config = ConvNetConfig(code: c) else {
      // The same checks as the convnet command's arguments, with their reason.
      let reason = c.count == 8 ? configError(c) : ""
      throw ShellError.io(path: path, message: "malformed ddcal.config \(c)" + reason)
    }
    let bytes = MemoryBudget.product(config.parameterCount, MemoryLayout<Float>.stride)
    try MemoryBudget.check(bytes, for: "loading the model in \(path)")
    var rng = RandomStream(seed: 0)
    let net = ConvNet(config, rng: &rng)
    var tensors: [NDArray] = []
    for (name, expected) in zip(net.parameters.names, net.parameters.values) {
      let array = try archive.array(named: name).toNDArray()
      guard array.shape == expected.shape else {
        throw ShellError.io(
          path: path, message: "\(name) has shape \(array.shape), expected \(expected.shape)")
      }
      tensors.append(array)
    }
    net.parameters = net.parameters.unflattened(
      NDArray(shape: [net.parameters.scalarCount], data: tensors.flatMap(\.data)))
    let temperature = archive["ddcal.temperature"]?.doubles.first ?? 1
    guard temperature > 0, temperature.isFinite else {
      throw ShellError.io(
        path: path, message: "ddcal.temperature is \(temperature), expected T > 0")
    }
    return .object(ModelObject(net, temperature: temperature, origin: path))
  }

  /// Why a well-formed config code does not validate ("; expected width 1…1024, not …").
  private static func configError(_ c: [Int]) -> String {
    let config = ConvNetConfig(
      channels: c[0], height: c[1], width: c[2], classes: c[3], depth: c[4], netWidth: c[5])
    do { try config.validate() } catch { return ": \(error)" }
    return ""
  }

  private static func dataset(_ archive: NPZArchive, _ path: String) throws -> Value {
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return .object(DatasetObject(try Dataset(npz: archive, name: name)))
  }
}

extension ModelObject: SavableObject {
  func save(to path: String) throws {
    let config = model.config.code
    var members = zip(model.parameters.names, model.parameters.values).map {
      ($0.0, NPYArray($0.1))
    }
    members.append(("ddcal.config", try NPYArray(int64: config, shape: [config.count])))
    members.append(("ddcal.temperature", try NPYArray(float64: [temperature], shape: [1])))
    try NPZ.write(members, to: path)
  }
}

extension DatasetObject: SavableObject {
  func save(to path: String) throws {
    if let synthetic {
      try synthetic.save(to: path)
    } else {
      try NPZ.write(try dataset.npzMembers(), to: path)
    }
  }
}

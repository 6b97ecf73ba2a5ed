import Calibration
import Datasets
import Foundation
import TensorCore

/// Logits and labels from shell values and numpy files, for `predictions` and `load`.
///
/// Logits: a tensor, or a path to a .npy (float32 or float64, [N, K]) or to a .npz holding
/// `logits`. Float64 stays Double. Labels: integer class indices [N] (ints, or floats that
/// are whole numbers) or one-hot rows [N, K], as `Dataset.labels(from:)` reads them.
enum PredictionsFiles {
  /// Row-major logits and their shape [N, K].
  struct Matrix {
    var values: [Double]
    var shape: [Int]
  }

  /// Predictions from a .npz archive with `logits`, `labels` and optionally `temperature`.
  static func read(_ archive: NPZArchive, path: String) throws -> PredictionsObject {
    guard let z = archive["logits"], let y = archive["labels"] else {
      throw ShellError.io(path: path, message: "needs 'logits' and 'labels' members")
    }
    let logits = try matrix(z, what: "logits", path: path)
    let labels = try classLabels(y, classCount: logits.shape[1], what: "labels in \(path)")
    let temperature = archive["temperature"]?.doubles.first ?? 1
    do {
      let set = try LogitSet(
        logits: logits.values, classCount: logits.shape[1], labels: labels,
        temperature: temperature)
      let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      return PredictionsObject(set, dataName: name, source: path)
    } catch let error as CalibrationError {
      throw ShellError.io(path: path, message: error.description)
    }
  }

  /// The logits a value names: a tensor, or a .npy/.npz path.
  static func logits(_ value: Value) throws -> Matrix {
    switch value {
    case .tensor(let array):
      return try matrix(NPYArray(array), what: "logits", path: nil)
    case .string(let path):
      if path.hasSuffix(".npz") {
        let archive = try NPZ.read(path)
        guard
          let member = archive["logits"]
            ?? (archive.members.count == 1 ? archive.members[0].array : nil)
        else { throw ShellError.io(path: path, message: "has no 'logits' member") }
        return try matrix(member, what: "logits", path: path)
      }
      return try matrix(try NPY.read(path), what: "logits", path: path)
    default:
      throw ShellError.typeMismatch(
        expected: "tensor or path", found: value.typeName, context: "logits")
    }
  }

  private static func matrix(_ array: NPYArray, what: String, path: String?) throws -> Matrix {
    guard array.shape.count == 2, array.shape[1] >= 2, array.isFloatingPoint else {
      let message =
        "\(what) must be a float32 or float64 array [N, K] with K ≥ 2, got \(array.descr) \(array.shape)"
      if let path { throw ShellError.io(path: path, message: message) }
      throw ShellError.failed(message)
    }
    return Matrix(values: array.doubles, shape: array.shape)
  }

  /// [N] indices (whole numbers) or [N, K] one-hot rows for logits of `classCount` classes.
  static func classLabels(_ array: NPYArray, classCount: Int, what: String) throws -> [Int] {
    let (labels, width) = try Dataset.labels(from: array)
    if let width, width != classCount {
      throw ShellError.failed(
        "\(what): one-hot rows have \(width) columns but the logits have \(classCount)")
    }
    return labels
  }
}

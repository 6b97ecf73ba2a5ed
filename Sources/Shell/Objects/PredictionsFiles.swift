import Calibration
import Datasets
import Foundation
import TensorCore

/// Logits and labels from shell values and numpy files, for `predictions` and `load`.
///
/// Logits: a tensor, or a path to a .npy (float32 or float64, [N, K]) or to a .npz holding
/// `logits`. Float64 stays Double. Labels: a tensor, a list of ints, or a .npy; integer class
/// indices [N] (ints, or floats that are whole numbers) or one-hot rows [N, K].
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
        guard let member = archive["logits"] ?? (archive.members.count == 1 ? archive.members[0].array : nil)
        else { throw ShellError.io(path: path, message: "has no 'logits' member") }
        return try matrix(member, what: "logits", path: path)
      }
      return try matrix(try NPY.read(path), what: "logits", path: path)
    default:
      throw ShellError.typeMismatch(expected: "tensor or path", found: value.typeName, context: "logits")
    }
  }

  /// Class indices from a tensor, a list of ints or a .npy path (indices or one-hot rows).
  static func labels(_ value: Value, classCount: Int) throws -> [Int] {
    switch value {
    case .tensor(let array):
      return try classLabels(NPYArray(array), classCount: classCount, what: "labels")
    case .string(let path):
      return try classLabels(try NPY.read(path), classCount: classCount, what: "labels in \(path)")
    default:
      guard let items = value.elements else {
        throw ShellError.typeMismatch(
          expected: "tensor, list of ints or path", found: value.typeName, context: "labels")
      }
      return try items.enumerated().map { index, item in
        guard case .int(let label) = item else {
          throw ShellError.failed("labels: element \(index) is a \(item.typeName), expected an int")
        }
        return label
      }
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

  /// [N] indices (whole numbers) or [N, K] one-hot rows.
  private static func classLabels(_ array: NPYArray, classCount: Int, what: String) throws -> [Int] {
    let values = array.doubles
    if array.shape.count == 2 {
      guard array.shape[1] == classCount else {
        throw ShellError.failed(
          "\(what): one-hot rows have \(array.shape[1]) columns but the logits have \(classCount)")
      }
      do {
        return try LogitSet.labels(oneHot: values, classCount: classCount)
      } catch let error as CalibrationError {
        throw ShellError.failed("\(what): \(error)")
      }
    }
    guard array.shape.count == 1 else {
      throw ShellError.failed("\(what) must be [N] class indices or [N, K] one-hot rows, got \(array.shape)")
    }
    return try values.enumerated().map { index, v in
      guard v == v.rounded(), abs(v) < 1e15 else {
        throw ShellError.failed("\(what): element \(index) is \(v), not a class index")
      }
      return Int(v)
    }
  }
}

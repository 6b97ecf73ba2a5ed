/// Everything user input can get wrong in the Calibration module.
///
/// Cases carry structured payloads; the one-line message lives only in `description`.
public enum CalibrationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// There is nothing to measure or fit on (no rows, no images or no ratios).
  case empty(what: String)
  /// Logits are not a [N, K] array with K ≥ 2.
  case logitsShape([Int])
  /// The number of labels does not match the number of logit rows or images.
  case labelCount(labels: Int, rows: Int)
  /// A label lies outside `0..<classCount`.
  case labelOutOfRange(index: Int, label: Int, classCount: Int)
  /// A logit is NaN or infinite (row `row`).
  case nonFiniteLogits(row: Int)
  /// Images do not fit the model's input [N, C, H, W].
  case imageShape(found: [Int], expected: [Int])
  /// The model and the data disagree on the number of classes.
  case classCountMismatch(model: Int, data: Int)
  /// An option lies outside its valid range.
  case invalidOption(name: String, value: String, expected: String)
  /// A class has fewer usable examples than a per-class draw asked for.
  case notEnoughSamples(classIndex: Int, available: Int, requested: Int)
  /// The parity-mode L-BFGS loop drove the temperature to zero or below.
  case temperatureNotPositive(Double)

  /// The one-line message.
  public var description: String {
    switch self {
    case .empty(let what):
      return "\(what) is empty"
    case .logitsShape(let shape):
      return "logits must be [N, K] with K ≥ 2, got \(shape)"
    case .labelCount(let labels, let rows):
      return "\(labels) labels for \(rows) rows"
    case .labelOutOfRange(let index, let label, let classCount):
      return "label \(label) at index \(index) is outside 0..<\(classCount)"
    case .nonFiniteLogits(let row):
      return "logits of row \(row) are NaN or infinite"
    case .imageShape(let found, let expected):
      return "images \(found) do not fit the model's input \(expected)"
    case .classCountMismatch(let model, let data):
      return "the model has \(model) classes but the data has \(data)"
    case .invalidOption(let name, let value, let expected):
      return "\(name)=\(value): expected \(expected)"
    case .notEnoughSamples(let classIndex, let available, let requested):
      return "class \(classIndex) has \(available) usable examples, \(requested) requested"
    case .temperatureNotPositive(let value):
      return "the L-BFGS loop drove the temperature to \(value) (must stay above 0)"
    }
  }
}

/// Checks shared by the fitting entry points.
enum Check {
  /// Throws `.invalidOption` unless `condition` holds.
  static func option(
    _ condition: Bool, _ name: String, _ value: CustomStringConvertible, _ expected: String
  ) throws {
    guard condition else {
      throw CalibrationError.invalidOption(name: name, value: "\(value)", expected: expected)
    }
  }

  /// Throws `.invalidOption` unless `ratio` is a mask ratio in [0, 1).
  static func maskRatio(_ ratio: Double, name: String = "ratio") throws {
    try option(ratio >= 0 && ratio < 1, name, ratio, "a mask ratio in [0, 1)")
  }
}

import Foundation
import TensorCore

/// A shell value: what variables hold, expressions produce and commands take and return.
public enum Value {
  /// The result of a command that returns nothing; never printed.
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list([Value])
  /// A numeric sweep such as `0.1:0.9:0.1`.
  case range(NumericRange)
  case tensor(NDArray)
  /// An engine object (dataset, model, result, figure) seen through `ShellObject`.
  case object(any ShellObject)

  /// The type name used in messages and `vars`: `int`, `tensor`, `dataset`, ...
  public var typeName: String {
    switch self {
    case .none: return "none"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "string"
    case .list: return "list"
    case .range: return "range"
    case .tensor: return "tensor"
    case .object(let object): return object.typeName
    }
  }

  /// The value as a Double when it is a number.
  public var number: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .float(let value): return value
    default: return nil
    }
  }

  /// The elements of a list or range, or nil for anything else.
  public var elements: [Value]? {
    switch self {
    case .list(let items): return items
    case .range(let range): return range.values
    default: return nil
    }
  }

  /// The wrapped object, cast to `T`.
  public func object<T>(as type: T.Type) -> T? {
    if case .object(let object) = self { return object as? T }
    return nil
  }
}

/// An inclusive arithmetic sequence `start:stop:step`, the shell's sweep syntax.
///
/// `0.1:0.5:0.1` holds 0.1, 0.2, 0.3, 0.4, 0.5: element i is `start + i * step` (no running
/// sum, so no drift), and `stop` is included when it lies within 1e-9 steps of the grid.
public struct NumericRange: Sendable, Equatable {
  /// The first element.
  public let start: Double
  /// The bound, included when on the grid.
  public let stop: Double
  /// The distance between elements; never zero.
  public let step: Double
  /// True when start and step are integers, so elements are `int`s.
  public let isIntegral: Bool
  /// Number of elements.
  public let count: Int

  /// Ranges longer than this are refused rather than exhausting memory.
  public static let maximumCount = 1_000_000

  /// A validated range.
  /// - Throws: `ShellError.invalidRange` for a zero or non-finite step, or too many elements.
  public init(start: Double, stop: Double, step: Double, isIntegral: Bool) throws {
    guard start.isFinite, stop.isFinite, step.isFinite else {
      throw ShellError.invalidRange("bounds and step must be finite")
    }
    guard step != 0 else { throw ShellError.invalidRange("step is zero") }
    // NOTE: integer elements are converted back to Int, which traps beyond ±2^63.
    guard !isIntegral || max(Swift.abs(start), Swift.abs(stop)) < 1e15 else {
      throw ShellError.invalidRange("integer bounds beyond ±1e15")
    }
    let span = (stop - start) / step
    let exact = (span + 1e-9).rounded(.down)
    guard exact < Double(Self.maximumCount) else {
      throw ShellError.invalidRange("more than \(Self.maximumCount) elements")
    }
    self.start = start
    self.stop = stop
    self.step = step
    self.isIntegral = isIntegral
    count = span < -1e-9 ? 0 : Int(exact) + 1
  }

  /// Element `index`, which must be in `0..<count`. Float elements are rounded to 12
  /// significant digits, so `0.1:0.9:0.1` gives 0.3 (as typed), not 0.30000000000000004.
  public func element(_ index: Int) -> Value {
    let value = start + Double(index) * step
    if isIntegral { return .int(Int(value.rounded())) }
    return .float(Double(String(format: "%.12g", value)) ?? value)
  }

  /// All elements.
  public var values: [Value] { (0..<count).map(element) }
}

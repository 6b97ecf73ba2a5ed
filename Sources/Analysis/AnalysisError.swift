/// Everything user input can get wrong in the Analysis module.
public enum AnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
  /// There is nothing to analyse.
  case empty(what: String)
  /// An option lies outside its valid range.
  case invalidOption(name: String, value: String, expected: String)
  /// Points must come as a matrix [N, D]; `shape` is what came.
  case notMatrix(what: String, shape: [Int])
  /// Fewer points than the routine needs.
  case tooFewPoints(what: String, count: Int, minimum: Int)
  /// The input holds NaN or ±Inf.
  case nonFiniteInput(what: String)
  /// An iteration stopped being finite at this step (t-SNE: learning rate too high).
  case nonFinite(step: Int)

  /// The one-line message.
  public var description: String {
    switch self {
    case .empty(let what): return "\(what) is empty"
    case .invalidOption(let name, let value, let expected):
      return "\(name)=\(value): expected \(expected)"
    case .notMatrix(let what, let shape):
      return "\(what): expected points as a matrix [N, D], got shape \(shape)"
    case .tooFewPoints(let what, let count, let minimum):
      return "\(what): \(count) points, at least \(minimum) needed"
    case .nonFiniteInput(let what): return "\(what): the input contains NaN or infinity"
    case .nonFinite(let step): return "diverged at step \(step): the result is no longer finite"
    }
  }
}

/// Everything user input can get wrong in the Analysis module.
public enum AnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
  /// There is nothing to analyse.
  case empty(what: String)
  /// An option lies outside its valid range.
  case invalidOption(name: String, value: String, expected: String)

  /// The one-line message.
  public var description: String {
    switch self {
    case .empty(let what): return "\(what) is empty"
    case .invalidOption(let name, let value, let expected):
      return "\(name)=\(value): expected \(expected)"
    }
  }
}

/// Why a distillation run or one of its files failed.
public enum DistillationError: Error, Equatable, CustomStringConvertible {
  /// An option is out of range or inconsistent with the data.
  case invalidOption(String)
  /// The loss or the image gradient became NaN or infinite.
  case nonFinite(what: String, iteration: Int)
  /// The stop check asked to stop; the state holds the last completed iteration.
  case interrupted(iteration: Int)
  /// A checkpoint, synthetic set or expert file is malformed.
  case malformedFile(path: String, message: String)

  public var description: String {
    switch self {
    case .invalidOption(let message): return message
    case .nonFinite(let what, let iteration):
      return "\(what) became NaN or infinite at iteration \(iteration + 1)"
    case .interrupted(let iteration): return "interrupted after iteration \(iteration)"
    case .malformedFile(let path, let message): return "\(path): \(message)"
    }
  }
}

/// Everything that can go wrong while building a figure from data or writing it to a file.
///
/// Cases carry structured payloads (path, series name, expected and found values); the
/// one-line message lives only in `description`.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The path's extension names no supported format (.png, .svg, .pdf).
  case unsupportedFormat(path: String, fileExtension: String)
  /// Two arrays that must pair up element by element have different lengths.
  case lengthMismatch(what: String, expected: Int, found: Int)
  /// An array has a shape the figure cannot show.
  case badShape(what: String, expected: String, found: [Int])
  /// An argument lies outside its valid range.
  case invalidArgument(name: String, value: String, expected: String)
  /// Cairo could not create or finish a surface; `status` is Cairo's message.
  case cairo(path: String, status: String)
  /// A file could not be written; `reason` is the system's or libpng's message.
  case writeFailed(path: String, reason: String)
  /// A PNG file could not be read; `reason` is libpng's message.
  case readFailed(path: String, reason: String)

  /// The one-line message, starting with the path where there is one.
  public var description: String {
    switch self {
    case .unsupportedFormat(let path, let fileExtension):
      let shown = fileExtension.isEmpty ? "no extension" : "'.\(fileExtension)'"
      return "\(path): unsupported figure format \(shown) (use .png, .svg or .pdf)"
    case .lengthMismatch(let what, let expected, let found):
      return "\(what): expected \(expected) values, found \(found)"
    case .badShape(let what, let expected, let found):
      return "\(what): expected shape \(expected), found \(found)"
    case .invalidArgument(let name, let value, let expected):
      return "\(name) = \(value) is invalid: expected \(expected)"
    case .cairo(let path, let status):
      return "\(path): cairo: \(status)"
    case .writeFailed(let path, let reason):
      return "\(path): cannot write: \(reason)"
    case .readFailed(let path, let reason):
      return "\(path): cannot read PNG: \(reason)"
    }
  }
}

extension PlotError {
  /// Throws `lengthMismatch` unless `found == expected`.
  static func checkLength(
    _ what: String, expected: Int, found: Int
  ) throws(PlotError) {
    guard expected == found else {
      throw .lengthMismatch(what: what, expected: expected, found: found)
    }
  }

  /// Throws `invalidArgument` unless `condition` holds.
  static func check(
    _ condition: Bool, _ name: String, _ value: @autoclosure () -> String, expected: String
  ) throws(PlotError) {
    guard condition else {
      throw .invalidArgument(name: name, value: value(), expected: expected)
    }
  }
}

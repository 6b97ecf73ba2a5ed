import Foundation
import TensorCore

/// Turns values into text: the one place printing rules live.
///
/// Three forms: `display` is what a bare expression prints (strings quoted, tensors and
/// objects in full), `plain` is what `print` writes (strings raw), and `brief` is one short
/// line for `vars` and list elements.
public enum ValueFormatter {
  /// Lists longer than this show their first elements and a count.
  static let listLimit = 20

  /// What a bare expression at the prompt prints; empty for `none`.
  public static func display(_ value: Value) -> String {
    switch value {
    case .tensor(let array): return TensorFormatter.display(array)
    case .object(let object): return object.display
    default: return brief(value, limit: listLimit)
    }
  }

  /// What `print` writes: strings without quotes, everything else as `display`.
  public static func plain(_ value: Value) -> String {
    if case .string(let text) = value { return text }
    return display(value)
  }

  /// One line, at most `limit` list elements.
  public static func brief(_ value: Value, limit: Int = 8) -> String {
    switch value {
    case .none: return ""
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return String(number)
    case .float(let number): return float(number)
    case .string(let text): return quoted(text)
    case .list(let items): return list(items, limit: limit)
    case .range(let range): return self.range(range)
    case .tensor(let array): return TensorFormatter.brief(array)
    case .object(let object): return object.summary
    }
  }

  /// The shortest decimal that reads back as the same Double (so a temperature or a metric
  /// copied from the output is exact), always showing it is a float: `6.0`, `0.1`,
  /// `0.30000000000000004`, `1e-05`.
  public static func float(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    return "\(number)"
  }

  /// A string literal that reads back as the same string.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for c in text.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }

  private static func list(_ items: [Value], limit: Int) -> String {
    let shown = items.prefix(limit).map { brief($0, limit: limit) }
    let more = items.count > limit ? ", … (\(items.count) items)" : ""
    return "[" + shown.joined(separator: ", ") + more + "]"
  }

  private static func range(_ range: NumericRange) -> String {
    let parts = [range.start, range.stop, range.step].map { number in
      range.isIntegral ? String(Int(number.rounded())) : float(number)
    }
    return parts.joined(separator: ":") + " (\(range.count) values)"
  }

  /// The size column of `vars`: element counts, shapes and bytes.
  public static func size(_ value: Value) -> String {
    switch value {
    case .list(let items): return "\(items.count) items"
    case .range(let range): return "\(range.count) values"
    case .string(let text): return "\(text.count) chars"
    case .tensor(let array): return "\(array.shape) · \(bytes(array.count * 4))"
    case .none, .bool, .int, .float, .object: return ""
    }
  }

  /// A byte count in B, KiB, MiB or GiB.
  public static func bytes(_ count: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
  }
}

/// The declared type of a command parameter; binding checks and converts arguments against it.
public indirect enum ValueType: Sendable, Equatable, CustomStringConvertible {
  /// Anything, including `none`.
  case any
  case bool
  case int
  /// A float; ints are accepted and converted.
  case float
  case string
  /// A string naming a file; completes file names.
  case path
  /// A bare name taken literally, not evaluated: `help train`, `del x`.
  case word
  case tensor
  /// A list (or range) whose elements all have the given type.
  case list(ValueType)
  /// One string from a fixed set; a bare name from the set needs no quotes (`optimizer=adam`).
  case choice([String])
  /// An engine object whose `typeName` is the given name; declared by type as
  /// `.object(of: ModelObject.self)`.
  case object(String)
  /// The first of several types that accepts the value.
  case oneOf([ValueType])

  /// How the type reads in messages and help: `int`, `list of float`, `'sgd' or 'adam'`.
  public var description: String {
    switch self {
    case .any: return "any value"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "string"
    case .path: return "path"
    case .word: return "name"
    case .tensor: return "tensor"
    case .list(let element): return "list of \(element)"
    case .choice(let choices): return choices.map { "'\($0)'" }.joined(separator: " or ")
    case .object(let name): return name
    case .oneOf(let types): return types.map(\.description).joined(separator: " or ")
    }
  }

  /// The placeholder in usage lines: `INT`, `PATH`, `sgd|adam`.
  public var placeholder: String {
    switch self {
    case .choice(let choices): return choices.joined(separator: "|")
    case .list(let element): return "[\(element.placeholder)…]"
    case .oneOf(let types): return types.map(\.placeholder).joined(separator: "|")
    default: return description.uppercased()
    }
  }

  /// True when a value of this type may be or contain an int or float.
  public var holdsNumbers: Bool {
    switch self {
    case .int, .float: return true
    case .list(let element): return element.holdsNumbers
    case .oneOf(let types): return types.contains(where: \.holdsNumbers)
    case .any, .bool, .string, .path, .word, .tensor, .choice, .object: return false
    }
  }

  /// The choices a bare name may name, for `.choice` and `.oneOf` containing choices.
  var choices: [String] {
    switch self {
    case .choice(let choices): return choices
    case .oneOf(let types): return types.flatMap(\.choices)
    default: return []
    }
  }

  /// True when a bare name in this slot is always literal text, never a variable.
  var takesWords: Bool {
    switch self {
    case .word: return true
    case .oneOf(let types): return types.contains(where: \.takesWords)
    default: return false
    }
  }

  /// The part of the type a bare name may match: only words and choices, so a mistyped
  /// choice is reported as such instead of being taken as a file name.
  var bareNameType: ValueType {
    switch self {
    case .word, .choice: return self
    case .oneOf(let types): return .oneOf(types.map(\.bareNameType))
    default: return .oneOf([])
    }
  }

  /// The outcome of checking a value against a type.
  enum Match {
    case accepted(Value)
    case mismatch
    /// A string where a choice was expected, but not one of the choices.
    case notAChoice(String, [String])
  }

  /// Checks `value`, converting where the type allows (int to float, range to list).
  func match(_ value: Value) -> Match {
    switch (self, value) {
    case (.any, _): return .accepted(value)
    case (.bool, .bool), (.int, .int), (.float, .float), (.tensor, .tensor): return .accepted(value)
    case (.string, .string), (.path, .string), (.word, .string): return .accepted(value)
    case (.float, .int(let number)): return .accepted(.float(Double(number)))
    case (.choice(let choices), .string(let text)):
      return choices.contains(text) ? .accepted(value) : .notAChoice(text, choices)
    case (.object(let name), .object(let object)):
      return object.typeName == name ? .accepted(value) : .mismatch
    case (.list(let element), _):
      return matchList(element, value)
    case (.oneOf(let types), _):
      return matchFirst(types, value)
    default:
      return .mismatch
    }
  }

  private func matchList(_ element: ValueType, _ value: Value) -> Match {
    guard let items = value.elements else { return .mismatch }
    var converted: [Value] = []
    for item in items {
      guard case .accepted(let ok) = element.match(item) else { return .mismatch }
      converted.append(ok)
    }
    return .accepted(.list(converted))
  }

  /// The first accepting type wins; otherwise a choice failure beats a plain mismatch,
  /// because it can name the valid choices.
  private func matchFirst(_ types: [ValueType], _ value: Value) -> Match {
    var failure = Match.mismatch
    for type in types {
      let result = type.match(value)
      switch result {
      case .accepted: return result
      case .notAChoice: failure = result
      case .mismatch: break
      }
    }
    return failure
  }
}

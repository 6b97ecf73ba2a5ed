/// One typed parameter of a command, as declared in its registry entry.
public struct Parameter {
  /// How an argument reaches the parameter.
  public enum Kind: Sendable {
    /// By position (`train net data`) or by name (`train model=net`).
    case positional
    /// Only by name: `epochs=5`.
    case keyword
    /// All remaining positional arguments, as a list (`print a b c`).
    case variadic
  }

  /// The name used for keyword arguments and in help.
  public var name: String
  /// How arguments bind to it.
  public var kind: Kind
  /// The accepted type; arguments are checked and converted before the command runs.
  public var type: ValueType
  /// The value used when the argument is omitted; nil with `isRequired == false` means absent.
  public var defaultValue: Value?
  /// True when the argument must be given.
  public var isRequired: Bool
  /// A unit for help, such as "epochs" or "images/class".
  public var unit: String?
  /// One line of help.
  public var doc: String
  /// What tab completion offers for the value; nil derives it from `type`.
  public var completion: CompletionHint?
  /// The accepted numbers, checked when arguments bind; every int or float parameter
  /// declares them (the registry test checks), nil for other types.
  public var bounds: Bounds?

  /// A parameter; prefer the `positional`, `keyword` and `variadic` factories.
  public init(
    name: String, kind: Kind, type: ValueType, defaultValue: Value? = nil,
    isRequired: Bool, bounds: Bounds? = nil, unit: String? = nil, doc: String,
    completion: CompletionHint? = nil
  ) {
    self.name = name
    self.kind = kind
    self.type = type
    self.defaultValue = defaultValue
    self.isRequired = isRequired
    self.unit = unit
    self.doc = doc
    self.completion = completion
    self.bounds = bounds
  }

  /// A positional parameter; required unless it has a default or `optional` is true.
  public static func positional(
    _ name: String, _ type: ValueType, default defaultValue: Value? = nil,
    optional: Bool = false, bounds: Bounds? = nil, unit: String? = nil, doc: String,
    completion: CompletionHint? = nil
  ) -> Parameter {
    Parameter(
      name: name, kind: .positional, type: type, defaultValue: defaultValue,
      isRequired: defaultValue == nil && !optional, bounds: bounds, unit: unit, doc: doc,
      completion: completion)
  }

  /// A `name=value` option; optional, with `defaultValue` when omitted.
  public static func keyword(
    _ name: String, _ type: ValueType, default defaultValue: Value? = nil, bounds: Bounds? = nil,
    unit: String? = nil, doc: String, completion: CompletionHint? = nil
  ) -> Parameter {
    Parameter(
      name: name, kind: .keyword, type: type, defaultValue: defaultValue, isRequired: false,
      bounds: bounds, unit: unit, doc: doc, completion: completion)
  }

  /// Collects the remaining positional arguments, each checked against `type`.
  public static func variadic(
    _ name: String, _ type: ValueType, bounds: Bounds? = nil, doc: String,
    completion: CompletionHint? = nil
  ) -> Parameter {
    Parameter(
      name: name, kind: .variadic, type: type, isRequired: false, bounds: bounds, doc: doc,
      completion: completion)
  }

  /// True when the type can hold an int or float, so the parameter must declare `bounds`.
  public var isNumeric: Bool { type.holdsNumbers }

  /// The completion hint, explicit or derived from the type.
  public var effectiveCompletion: CompletionHint {
    completion ?? CompletionHint(for: type)
  }
}

/// What tab completion offers for a parameter's value.
public enum CompletionHint: Sendable, Equatable {
  /// Nothing specific: variable names.
  case variables
  /// Variables holding objects of these type names (or `tensor`, `int`, ...).
  case variablesOfType([String])
  /// Fixed words: choices or `true`/`false`.
  case words([String])
  /// Command names (`help <TAB>`).
  case commands
  /// File names, inside a string.
  case filePath
  /// No completion.
  case none
  /// Everything the member hints offer.
  indirect case combined([CompletionHint])

  /// The hint implied by a parameter type.
  public init(for type: ValueType) {
    switch type {
    case .bool: self = .words(["true", "false"])
    case .choice(let choices): self = .words(choices)
    case .path: self = .filePath
    case .object(let name): self = .variablesOfType([name])
    case .tensor: self = .variablesOfType(["tensor"])
    case .oneOf(let types): self = .combined(types.map(CompletionHint.init(for:)))
    case .word: self = .variables
    case .any, .int, .float, .string, .list: self = .variables
    }
  }
}

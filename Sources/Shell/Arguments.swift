import TensorCore

/// A command's arguments after binding: checked against the declared types, defaults filled.
///
/// Typed getters throw `ShellError` when a command asks for the wrong type (a registry
/// mistake, never user input, since binding already checked types); `invalid(_:_:)` builds
/// the error for a well-typed but bad value, which the shell underlines at that argument.
public struct Arguments {
  /// The command these arguments belong to, for messages.
  public let commandName: String
  private var values: [String: Value] = [:]
  private var ranges: [String: SourceRange] = [:]
  private var given: Set<String> = []

  /// The parameter names the command declares; reading any other name is a registry
  /// mistake (nil: not checked).
  private let declared: Set<String>?

  /// Empty arguments for `commandName`, which declares `parameters` (nil: any).
  public init(commandName: String, parameters: [String]? = nil) {
    self.commandName = commandName
    declared = parameters.map(Set.init)
  }

  /// Binds `value` to `name`; `range` is where the user wrote it (nil for a default).
  mutating func set(_ name: String, _ value: Value, range: SourceRange?) {
    values[name] = value
    if let range {
      ranges[name] = range
      given.insert(name)
    }
  }

  /// The value of `name`, or nil when it is absent (omitted with no default). A name the
  /// command does not declare reads as absent and is noted in `undeclaredReads` (the
  /// registry test runs every example to find such mistakes).
  public subscript(name: String) -> Value? {
    noteRead(name)
    return values[name]
  }

  /// Names read that the command does not declare (always empty for a correct registry).
  public var undeclaredReads: Set<String> { readLog.undeclared }

  private final class ReadLog {
    var undeclared: Set<String> = []
  }

  private let readLog = ReadLog()

  private func noteRead(_ name: String) {
    if let declared, !declared.contains(name) { readLog.undeclared.insert(name) }
  }

  /// True when the user wrote the argument (not a default).
  public func isGiven(_ name: String) -> Bool {
    noteRead(name)
    return given.contains(name)
  }

  /// Where the argument was written, if it was.
  public func range(of name: String) -> SourceRange? { ranges[name] }

  /// An error about the argument `name` ("must be at least 1"), shown at that argument.
  public func invalid(_ name: String, _ reason: String) -> ShellError {
    .invalidArgument(command: commandName, parameter: name, reason: reason)
  }

  /// Any shell error, shown at the argument `name` instead of the whole call.
  public func failure(_ error: ShellError, at name: String) -> ArgumentFailure {
    ArgumentFailure(parameter: name, error: error)
  }

  // MARK: - Typed access

  /// The argument as an Int.
  public func int(_ name: String) throws -> Int {
    if case .int(let number) = try required(name) { return number }
    throw wrongType(name, "int")
  }

  /// The argument as a Double (ints convert).
  public func float(_ name: String) throws -> Double {
    if let number = try required(name).number { return number }
    throw wrongType(name, "float")
  }

  /// The argument as a Bool.
  public func bool(_ name: String) throws -> Bool {
    if case .bool(let flag) = try required(name) { return flag }
    throw wrongType(name, "bool")
  }

  /// The argument as a String (strings, paths, words and choices).
  public func string(_ name: String) throws -> String {
    if case .string(let text) = try required(name) { return text }
    throw wrongType(name, "string")
  }

  /// The argument as an NDArray.
  public func tensor(_ name: String) throws -> NDArray {
    if case .tensor(let array) = try required(name) { return array }
    throw wrongType(name, "tensor")
  }

  /// The elements of a list or range argument.
  public func list(_ name: String) throws -> [Value] {
    if let items = try required(name).elements { return items }
    throw wrongType(name, "list")
  }

  /// A number, list or range of numbers as Doubles: the shape of a sweep parameter.
  public func floats(_ name: String) throws -> [Double] {
    let value = try required(name)
    if let number = value.number { return [number] }
    let numbers = value.elements?.compactMap(\.number)
    guard let numbers, numbers.count == value.elements?.count else {
      throw wrongType(name, "number or list of numbers")
    }
    return numbers
  }

  /// The engine object passed as `name`, cast to its Swift type.
  public func object<T>(_ name: String, as type: T.Type) throws -> T {
    if let object = try required(name).object(as: type) { return object }
    throw wrongType(name, String(describing: type))
  }

  /// The collected values of a variadic parameter (empty when none were given).
  public func variadic(_ name: String) -> [Value] {
    noteRead(name)
    return values[name]?.elements ?? []
  }

  private func required(_ name: String) throws -> Value {
    noteRead(name)
    guard let value = values[name] else {
      throw ShellError.missingArgument(command: commandName, parameter: name)
    }
    return value
  }

  private func wrongType(_ name: String, _ expected: String) -> ShellError {
    .typeMismatch(
      expected: expected, found: values[name]?.typeName ?? "nothing",
      context: "argument '\(name)' of '\(commandName)'")
  }
}

/// A `ShellError` to be shown at one argument of the failing call.
public struct ArgumentFailure: Error {
  /// The parameter whose argument is underlined.
  public var parameter: String
  /// What went wrong.
  public var error: ShellError
}

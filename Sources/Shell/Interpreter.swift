import TensorCore

/// Evaluates parsed statements against an environment, a command registry and an output.
///
/// Every failure leaves as a `Diagnostic` whose range points at the culprit. The interpreter
/// never traps on user input: type checks, arithmetic overflow and shape checks all throw.
public final class Interpreter {
  /// The commands that can be called.
  public var registry: CommandRegistry
  /// Variable bindings.
  public var environment = Environment()
  /// Seed, quiet, echo and progress style.
  public var settings: ShellSettings
  /// Where everything printed goes.
  public let output: Output
  /// The session folder writer (possibly disabled).
  public private(set) var sessions: SessionRecorder
  /// Set by `quit`: the exit status requested, ending the run after this statement.
  public internal(set) var exitRequest: Int32?
  /// What a command that stopped part-way (Ctrl-C, a non-finite loss) had made so far (a
  /// partly distilled set, a training history); an assignment binds it before the error is
  /// reported, so nothing is lost and the replay (`steps=`, `stop=`) binds the same.
  var partialResult: Value?
  /// How session.ddc should record an interrupted command so a replay reaches the same state:
  /// the call's range and one edit of its text (set through `CommandContext.recordReplay`).
  var replayEdit: ReplayEdit?
  /// The `for` loops the running statement is inside, outermost first; left as they stood when
  /// a statement fails (the runner turns them into session.ddc's replay) and cleared by the
  /// runner before each top-level statement.
  var loopPositions: [LoopPosition] = []
  /// "command.parameter" for every argument a command read without declaring it: registry
  /// mistakes, checked by the registry test (empty in a correct build).
  var undeclaredReads: Set<String> = []
  /// RandomStreams handed out since the seed was last set; each gets the next stream id.
  private var streamsIssued: UInt64 = 0

  /// An interpreter with the given commands, settings and sinks.
  public init(
    registry: CommandRegistry, settings: ShellSettings = ShellSettings(), output: Output,
    sessions: SessionRecorder? = nil
  ) {
    self.registry = registry
    self.settings = settings
    self.output = output
    let seed = settings.seed
    self.sessions = sessions ?? SessionRecorder(parentDirectory: nil, seed: { seed })
  }

  /// Replaces the session recorder (set once, before the first statement runs).
  public func attach(_ recorder: SessionRecorder) {
    sessions = recorder
  }

  /// Sets the global seed and restarts the sequence of derived streams (after
  /// `streamsIssued` of them, to continue a sequence).
  public func setSeed(_ seed: UInt64, streamsIssued: UInt64 = 0) {
    settings.seed = seed
    self.streamsIssued = streamsIssued
  }

  /// Streams handed out since the seed was last set.
  var issuedStreams: UInt64 { streamsIssued }

  /// The next stream derived from the global seed: deterministic for a given script, and
  /// different for each command that asks.
  public func nextRandomStream() -> RandomStream {
    defer { streamsIssued += 1 }
    return RandomStream(seed: settings.seed, stream: streamsIssued)
  }

  // MARK: - Statements

  /// Runs one statement, printing the value of a bare expression.
  /// - Throws: `Diagnostic` for any failure, located in the source.
  public func execute(_ statement: Statement) throws {
    switch statement.kind {
    case .expression(let expr):
      try executeExpression(expr)
    case .assignment(let name, let nameRange, let value):
      if registry.command(named: name) != nil {
        throw Diagnostic(.assignmentToCommand(name), at: nameRange)
      }
      partialResult = nil
      do {
        environment.bind(name, to: try evaluate(value))
      } catch let diagnostic as Diagnostic {
        if let partial = partialResult {
          environment.bind(name, to: partial)
        }
        partialResult = nil
        throw diagnostic
      }
    case .forLoop(let variable, let variableRange, let sequence, let body):
      try executeLoop(variable, variableRange, sequence, body)
    }
  }

  /// A call prints only what the command printed, unless it printed nothing and returned a
  /// value; any other expression prints its value.
  private func executeExpression(_ expr: Expr) throws {
    let before = output.writeCount
    let value = try evaluate(expr)
    if isCommandInvocation(expr), output.writeCount != before { return }
    let text = ValueFormatter.display(value)
    if !text.isEmpty { output.line(text) }
  }

  /// True for `name args…`, `value.method args…`, and a bare command name.
  func isCommandInvocation(_ expr: Expr) -> Bool {
    switch expr.kind {
    case .call: return true
    case .name(let name): return environment[name] == nil && registry.command(named: name) != nil
    default: return false
    }
  }

  /// for name in sequence { body }: binds each element in turn; Ctrl-C stops between passes.
  private func executeLoop(
    _ variable: String, _ variableRange: SourceRange, _ sequence: Expr, _ body: [Statement]
  ) throws {
    if registry.command(named: variable) != nil {
      throw Diagnostic(.assignmentToCommand(variable), at: variableRange)
    }
    let value = try evaluate(sequence)
    guard let items = value.elements else {
      let error = ShellError.typeMismatch(
        expected: "list or range", found: value.typeName, context: "'for'")
      throw Diagnostic(error, at: sequence.range)
    }
    let level = loopPositions.count
    loopPositions.append(LoopPosition(items: items, pass: 0, statement: nil))
    for (pass, item) in items.enumerated() {
      loopPositions[level].pass = pass
      loopPositions[level].statement = nil
      environment.bind(variable, to: item)
      try located(at: sequence.range) {
        try Interrupt.check(at: "\(variable) = \(ValueFormatter.brief(item))")
      }
      for (index, statement) in body.enumerated() {
        loopPositions[level].statement = index
        try execute(statement)
      }
      if exitRequest != nil { break }
    }
    loopPositions.removeLast()
  }

  // MARK: - Expressions

  /// The value of `expr`.
  /// - Throws: `Diagnostic`.
  public func evaluate(_ expr: Expr) throws -> Value {
    switch expr.kind {
    case .integer(let number): return .int(number)
    case .float(let number): return .float(number)
    case .string(let text): return .string(text)
    case .bool(let flag): return .bool(flag)
    case .name(let name): return try lookup(name, at: expr.range)
    case .list(let elements): return try list(elements, expr.range)
    case .range(let start, let stop, let step): return try range(start, stop, step, expr.range)
    case .field, .index: return try postfixChain(expr)
    case .unary(let op, let operand):
      let value = try evaluate(operand)
      return try located(at: expr.range) { try Operators.unary(op, value) }
    case .binary(.power, _, _): return try powerChain(expr)
    case .binary: return try binaryChain(expr)
    case .call(let call): return try self.call(call, range: expr.range)
    }
  }

  /// A variable's value; otherwise a command run without arguments.
  private func lookup(_ name: String, at range: SourceRange) throws -> Value {
    if let value = environment[name] { return value }
    if registry.command(named: name) != nil {
      return try call(Call(callee: .command(name, range: range), arguments: []), range: range)
    }
    let suggestion = Suggestions.closest(to: name, in: environment.names + registry.names)
    var notes: [Diagnostic.Note] = []
    if name.contains("-") {
      let spaced = name.split(separator: "-").joined(separator: " - ")
      let hint = "'-' between letters joins a name; to subtract, write '\(spaced)'"
      notes.append(Diagnostic.Note(hint))
    }
    throw Diagnostic(.unknownVariable(name, suggestion: suggestion), at: range, notes: notes)
  }

  /// A list literal. Nesting is capped so printing and comparing (both recursive) can never
  /// exhaust the stack, however a loop builds the list.
  private func list(_ elements: [Expr], _ range: SourceRange) throws -> Value {
    let items = try elements.map(evaluate)
    guard items.allSatisfy({ Self.nesting(of: $0) < Self.maximumListNesting }) else {
      let error = ShellError.failed("lists nest at most \(Self.maximumListNesting) deep")
      throw Diagnostic(error, at: range)
    }
    return .list(items)
  }

  /// The deepest list nesting the interpreter builds.
  static let maximumListNesting = 64

  private static func nesting(of value: Value) -> Int {
    guard case .list(let items) = value else { return 0 }
    return 1 + (items.map(nesting).max() ?? 0)
  }

  /// start:stop[:step]; integer bounds give integer elements.
  private func range(_ start: Expr, _ stop: Expr, _ step: Expr?, _ range: SourceRange) throws
    -> Value
  {
    let parts = try ([start, stop] + (step.map { [$0] } ?? [])).map { part -> Value in
      let value = try evaluate(part)
      guard value.number != nil else {
        let error = ShellError.typeMismatch(
          expected: "int or float", found: value.typeName, context: "a range bound")
        throw Diagnostic(error, at: part.range)
      }
      return value
    }
    let numbers = parts.compactMap(\.number)
    let integral = parts.allSatisfy { if case .int = $0 { return true } else { return false } }
    return try located(at: range) {
      .range(
        try NumericRange(
          start: numbers[0], stop: numbers[1], step: numbers.count > 2 ? numbers[2] : 1,
          isIntegral: integral))
    }
  }

  // MARK: - Fields

  /// `value.name`: an object's field, a method called without arguments, or a built-in field.
  func field(_ name: String, of value: Value, at range: SourceRange) throws -> Value {
    if case .object(let object) = value {
      if let field = try located(at: range, { try object.field(name) }) { return field }
      if let method = object.methods.first(where: { $0.name == name }) {
        return try invoke(method, arguments: [], receiver: value, range: range)
      }
      let names = object.fieldNames + object.methods.map(\.name)
      let error = ShellError.unknownField(
        type: object.typeName, field: name, suggestion: Suggestions.closest(to: name, in: names))
      throw Diagnostic(error, at: range)
    }
    if let field = try located(at: range, { try BuiltinMembers.field(name, of: value) }) {
      return field
    }
    let names = BuiltinMembers.fieldNames(of: value)
    let error = ShellError.unknownField(
      type: value.typeName, field: name, suggestion: Suggestions.closest(to: name, in: names))
    throw Diagnostic(error, at: range)
  }

  /// Runs `body`, giving any `ShellError` it throws the location `range`.
  func located<T>(at range: SourceRange, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as ShellError {
      throw Diagnostic(error, at: range)
    } catch let error as Diagnostic {
      throw error
    } catch {
      throw Diagnostic(.failed(String(describing: error)), at: range)
    }
  }
}

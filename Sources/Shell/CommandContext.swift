import TensorCore

/// What a running command can see and use: its arguments, the receiver of a method call,
/// the output sink, the session, the global seed, progress reporting and interrupts.
public final class CommandContext {
  /// The command being run.
  public let command: Command
  /// Checked arguments with defaults filled in.
  public let arguments: Arguments
  /// The value a method was called on (`fm.train` in `fm.train.sample …`); nil for commands.
  public let receiver: Value?
  /// The whole call in the source, for messages.
  public let range: SourceRange
  /// The interpreter running the command (environment, registry, settings).
  public let interpreter: Interpreter

  init(
    command: Command, arguments: Arguments, receiver: Value?, range: SourceRange,
    interpreter: Interpreter
  ) {
    self.command = command
    self.arguments = arguments
    self.receiver = receiver
    self.range = range
    self.interpreter = interpreter
  }

  /// The sink for everything the command prints (shown and recorded).
  public var output: Output { interpreter.output }

  /// Global settings (seed, quiet, echo).
  public var settings: ShellSettings { interpreter.settings }

  /// The current session folder, created on first use; nil with `--no-session`.
  /// - Throws: `ShellError.io` when the folder cannot be created.
  public func session() throws -> Session? {
    try interpreter.sessions.current()
  }

  /// A random stream for this command: from the `seed=` argument when the command has one and
  /// it was given, else the next stream derived from the global seed (`--seed`, `seed N`).
  public func randomStream() throws -> RandomStream {
    if arguments.isGiven("seed"), case .int(let seed) = arguments["seed"] {
      return RandomStream(seed: UInt64(bitPattern: Int64(seed)))
    }
    return interpreter.nextRandomStream()
  }

  /// A progress reporter in the style chosen for this run (silent with `--quiet`).
  /// - Parameters:
  ///   - label: shown first, usually the command name.
  ///   - total: units of work, if known.
  ///   - unit: what one unit is called.
  public func progress(_ label: String, total: Int?, unit: String = "step") -> Progress {
    let style = settings.quiet ? .silent : settings.progressStyle
    return Progress(label: label, total: total, unit: unit, style: style, output: output)
  }

  /// Throws `ShellError.interrupted(at: location)` if Ctrl-C was pressed.
  public func checkInterrupt(at location: @autoclosure () -> String) throws {
    try Interrupt.check(at: location())
  }

  /// Keeps what the command made so far: if it then throws `.interrupted`, an assignment
  /// `x = command …` still binds `value` to x.
  public func keepPartialResult(_ value: Value) {
    interpreter.partialResult = value
  }

  /// Tells the session how to replay this command if it is interrupted now: with
  /// `option=value` (replacing the argument the user gave, or added at the end), e.g.
  /// `steps=41` for a `train` stopped after 41 steps. Used only when the call is the whole
  /// statement (or the right side of an assignment).
  public func recordReplay(option: String, value: String) {
    let edit =
      arguments.range(of: option).map { ReplayEdit.Change(range: $0, text: value) }
      ?? ReplayEdit.Change(range: range.end, text: " \(option)=\(value)")
    interpreter.replayEdit = ReplayEdit(call: range, change: edit)
  }

  /// Asks the shell to stop after this statement with exit status `status`.
  public func requestExit(status: Int32) {
    interpreter.exitRequest = status
  }
}

/// An interrupted call rewritten for session.ddc: `change` applied to the text of `call`.
struct ReplayEdit {
  struct Change {
    var range: SourceRange
    var text: String
  }
  var call: SourceRange
  var change: Change

  /// `statement` (the text covering `statementRange`) with the change applied, or nil when
  /// the call is not the whole statement or the right side of its assignment.
  func apply(to statement: Statement, text: String) -> String? {
    let value: Expr
    switch statement.kind {
    case .expression(let expr): value = expr
    case .assignment(_, _, let expr): value = expr
    case .forLoop: return nil
    }
    guard value.range.offset == call.offset, value.range.length == call.length else { return nil }
    var scalars = Array(text.unicodeScalars)
    let lower = change.range.offset - statement.range.offset
    let upper = lower + change.range.length
    guard lower >= 0, upper <= scalars.count else { return nil }
    scalars.replaceSubrange(lower..<upper, with: change.text.unicodeScalars)
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars)
    return String(result)
  }
}

import Cluster

/// Runs sources through the parser and interpreter, renders diagnostics, and records each
/// statement in the session. Both the REPL and script mode go through `run(_:)`.
public final class Runner {
  /// The interpreter that holds the state of the run.
  public let interpreter: Interpreter

  /// How running a source ended.
  public enum Outcome: Equatable {
    case success
    /// A statement failed; nothing after it ran.
    case failure(ShellError.Category)
    /// `quit` asked for this exit status.
    case exit(Int32)

    /// The process exit status for a script that ended this way.
    public var exitStatus: Int32 {
      switch self {
      case .success: return 0
      case .failure(let category): return category.exitStatus
      case .exit(let status): return status
      }
    }
  }

  /// True on a terminal: an interrupt message then starts on a fresh line, after the "^C"
  /// the terminal echoed.
  public var startsInterruptsOnNewLine = false

  /// True for scripts: a Ctrl-C that arrived while a statement ran stops the script before
  /// the next statement (status 130) even if that statement never polled for it. The REPL
  /// leaves it false and forgets a Ctrl-C pressed at the prompt.
  public var stopsAtPendingInterrupt = false

  /// A runner around `interpreter`.
  public init(interpreter: Interpreter) {
    self.interpreter = interpreter
  }

  private var output: Output { interpreter.output }

  /// Parses and runs `source`.
  public func run(_ source: Source) -> Outcome {
    run(Parser.parse(source), source: source)
  }

  /// Runs already-parsed statements. With syntax errors nothing runs (all are reported);
  /// otherwise statements run in order until one fails or asks to quit.
  public func run(_ parsed: ParseResult, source: Source) -> Outcome {
    let renderer = DiagnosticRenderer(source: source)
    guard parsed.diagnostics.isEmpty else {
      output.takeCaptured()
      for diagnostic in parsed.diagnostics { output.error(renderer.render(diagnostic)) }
      record(source.text.trimmingTrailingNewlines, replayable: false)
      return .failure(.syntax)
    }
    for statement in parsed.statements {
      let outcome = execute(statement, source: source, renderer: renderer)
      guard outcome == .success else { return outcome }
    }
    return .success
  }

  /// Runs one statement and records it with its output.
  private func execute(_ statement: Statement, source: Source, renderer: DiagnosticRenderer)
    -> Outcome
  {
    let text = source.text(in: statement.range)
    if stopsAtPendingInterrupt && Interrupt.isRequested {
      Interrupt.clear()
      output.error(
        renderer.render(
          Diagnostic(.interrupted(at: "\(statement.range), before it ran"), at: statement.range)))
      return .failure(.interrupt)
    }
    if interpreter.settings.echo { output.line(text) }
    output.takeCaptured()
    if !stopsAtPendingInterrupt { Interrupt.clear() }
    interpreter.replayEdit = nil
    interpreter.loopPositions = []
    let streams = interpreter.issuedStreams
    Cluster.activity = Self.activity(text, at: statement.range)
    do {
      try interpreter.execute(statement)
      // Ranks meet after every statement, so a file rank 0 wrote exists before any rank reads
      // it. A failed statement skips this: its rank ends the job (`Launcher.leaveCluster`).
      Cluster.barrier()
      output.clearTransient()
      record(text, replayable: isReplayable(statement))
      if let status = interpreter.exitRequest { return .exit(status) }
      return .success
    } catch {
      let diagnostic = Self.diagnostic(for: error, at: statement.range)
      if startsInterruptsOnNewLine, diagnostic.error.category == .interrupt {
        output.transient("\n", overwritable: false)
      }
      output.error(renderer.render(diagnostic))
      record(text, replayable: false, replay: replay(statement, text, source, streams))
      return .failure(diagnostic.error.category)
    }
  }

  /// A statement as a failure message names it: "`experts fm.train …` at run.ddc:3:1".
  static func activity(_ text: String, at range: SourceRange) -> String {
    let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
    let shown = line.count > 60 ? String(line.prefix(57)) + "…" : line
    return "`\(shown)` at \(range)"
  }

  /// Any error as a diagnostic; foreign errors are located at the whole statement.
  static func diagnostic(for error: Error, at range: SourceRange) -> Diagnostic {
    switch error {
    case let diagnostic as Diagnostic: return diagnostic
    case let shellError as ShellError: return Diagnostic(shellError, at: range)
    default: return Diagnostic(.failed(String(describing: error)), at: range)
    }
  }

  private func record(_ text: String, replayable: Bool, replay: String? = nil) {
    let captured = output.takeCaptured()
    interpreter.sessions.record(
      statement: text, output: captured, replayable: replayable, replay: replay, warnings: output)
  }

  /// What session.ddc gets for a statement that failed: a command that stopped part-way
  /// (Ctrl-C, a non-finite loss) rewritten to stop where it stopped (`train … steps=41`); a
  /// `for` loop as its completed passes and the failing pass unrolled (`LoopReplay`); then,
  /// when the failing command is left out and random streams were drawn, a `seed` line that
  /// skips them, so later statements replay with the same numbers; else nothing.
  private func replay(
    _ statement: Statement, _ text: String, _ source: Source, _ streamsBefore: UInt64
  ) -> String? {
    let edit = interpreter.replayEdit
    var lines: [String] = []
    if case .forLoop = statement.kind, !interpreter.loopPositions.isEmpty,
      let loop = LoopReplay.lines(
        statement, interpreter.loopPositions[...], source: source, edit: edit)
    {
      if loop.rewritten { return loop.lines.joined(separator: "\n") }
      lines = loop.lines
    } else if let rewritten = edit?.apply(to: statement, text: text) {
      return rewritten
    }
    let streams = interpreter.issuedStreams
    if streams != streamsBefore {
      lines.append("seed \(interpreter.settings.seed) streams=\(streams)")
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }

  /// False for statements that only inspect (help, vars, quit): they stay out of session.ddc.
  private func isReplayable(_ statement: Statement) -> Bool {
    guard case .expression(let expr) = statement.kind else { return true }
    let name: String
    switch expr.kind {
    case .call(let call):
      guard case .command(let command, _) = call.callee else { return true }
      name = command
    case .name(let command) where interpreter.isCommandInvocation(expr):
      name = command
    default:
      return true
    }
    return interpreter.registry.command(named: name)?.isRecorded ?? true
  }
}

extension String {
  /// The string without trailing newlines.
  var trimmingTrailingNewlines: String {
    var text = self
    while text.last == "\n" { text.removeLast() }
    return text
  }
}

import Foundation
import Shell

/// An interpreter wired to in-memory output, for running shell text in tests.
final class Harness {
  let output: Output
  let interpreter: Interpreter
  let runner: Runner
  private let sink: Sink

  /// Collected standard output and error text.
  private final class Sink {
    var stdout = ""
    var stderr = ""
    func clear() {
      stdout = ""
      stderr = ""
    }
  }

  /// A harness with the standard registry plus the fake engine commands; sessions are
  /// recorded under `sessions` when given, with a fixed start time.
  init(registry: CommandRegistry = Harness.registry(), sessions: URL? = nil, seed: UInt64 = 0) {
    let sink = Sink()
    self.sink = sink
    output = Output(standardOutput: { sink.stdout += $0 }, standardError: { sink.stderr += $0 })
    interpreter = Interpreter(
      registry: registry, settings: ShellSettings(seed: seed), output: output)
    if let sessions {
      let fixed = Date(timeIntervalSince1970: 1_750_000_000)
      interpreter.attach(
        SessionRecorder(parentDirectory: sessions, seed: { seed }, clock: { fixed }))
    }
    runner = Runner(interpreter: interpreter)
  }

  /// The standard registry plus `FakeEngineCommands`.
  static func registry() -> CommandRegistry {
    var registry = CommandRegistry.standard
    registry.register(FakeEngineCommands.self)
    return registry
  }

  /// Runs `text` through the REPL as typed lines; returns what it printed (only this call's).
  @discardableResult
  func repl(_ text: String, naming: REPL.Naming = .numberedEntries) -> (out: String, err: String) {
    sink.clear()
    _ = REPL(runner: runner, reader: ScriptedLineReader(text: text), naming: naming).run()
    return (sink.stdout, sink.stderr)
  }

  /// Runs `text` as one script; returns the outcome and what it printed.
  func script(_ text: String, name: String = "test.ddc")
    -> (outcome: Runner.Outcome, out: String, err: String)
  {
    sink.clear()
    let outcome = runner.run(Source(name: name, text: text))
    return (outcome, sink.stdout, sink.stderr)
  }
}

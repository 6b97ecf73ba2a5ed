import Foundation
import Shell
import Testing

/// An interpreter with the standard registry (the real engine commands) wired to in-memory
/// output, for running shell text in tests.
///
/// Progress is drawn in the terminal style with no rate limit, so every progress update
/// reaches the output; the harness strips those carriage-return lines from the captured
/// standard error (as a terminal overwrites them) and counts them. `pressCtrlC(after:)` uses
/// the count to simulate Ctrl-C at a deterministic point of a real training run: after the
/// n-th update it calls `Interrupt.request()`, exactly what the SIGINT handler does, and the
/// running command sees the flag when it next polls.
final class Harness {
  let output: Output
  let interpreter: Interpreter
  let runner: Runner
  private let sink: Sink

  /// Collected standard output and error text, and the simulated Ctrl-C.
  private final class Sink {
    var stdout = ""
    var stderr = ""
    /// Progress updates drawn since the harness was made.
    var progressUpdates = 0
    /// Ctrl-C is pressed when `progressUpdates` reaches this.
    var ctrlCAt: Int?

    func clear() {
      stdout = ""
      stderr = ""
    }

    func standardError(_ text: String) {
      guard text.hasPrefix("\r") else {
        stderr += text
        return
      }
      // A terminal progress draw ("\r" line "ESC[K") or its erasure ("\r" "ESC[K").
      guard text != "\r\u{1B}[K" else { return }
      progressUpdates += 1
      if let at = ctrlCAt, progressUpdates >= at {
        ctrlCAt = nil
        Interrupt.request()
      }
    }
  }

  /// A harness over `registry`; sessions are recorded under `sessions` when given, with a
  /// fixed start time.
  init(
    registry: CommandRegistry = .standard, sessions: URL? = nil, seed: UInt64 = 0
  ) {
    // A fixed memory budget, so messages that print it read the same on every machine.
    MemoryBudget.set(Self.memoryBudget)
    let sink = Sink()
    self.sink = sink
    output = Output(
      standardOutput: { sink.stdout += $0 }, standardError: { sink.standardError($0) })
    interpreter = Interpreter(
      registry: registry,
      settings: ShellSettings(seed: seed, progressStyle: .terminal(interval: 0)), output: output)
    if let sessions {
      let fixed = Date(timeIntervalSince1970: 1_750_000_000)
      interpreter.attach(
        SessionRecorder(parentDirectory: sessions, seed: { seed }, clock: { fixed }))
    }
    runner = Runner(interpreter: interpreter)
  }

  /// The memory budget every harness sets (process-wide, so the same for all).
  static let memoryBudget = 8 << 30

  /// Binds `name` in the interpreter, as an assignment would.
  func bind(_ name: String, _ value: Value) {
    interpreter.environment.bind(name, to: value)
  }

  /// Progress updates drawn so far (one per training step).
  var progressUpdates: Int { sink.progressUpdates }

  /// Simulates Ctrl-C right after the `updates`-th progress update from now, i.e. while
  /// that step of a training run is computing: the run stops before its next step.
  func pressCtrlC(afterProgressUpdates updates: Int) {
    sink.ctrlCAt = sink.progressUpdates + updates
  }

  /// Forgets a simulated Ctrl-C that has not fired yet.
  func cancelCtrlC() {
    sink.ctrlCAt = nil
  }

  /// Runs `text` through the REPL as typed lines; returns what it printed (only this call's).
  /// A line annotated `# ctrl-c after N steps` presses Ctrl-C after the N-th progress update
  /// of the statement it ends (`TypedLines`).
  @discardableResult
  func repl(_ text: String, naming: REPL.Naming = .numberedEntries) -> (out: String, err: String) {
    sink.clear()
    _ = REPL(runner: runner, reader: TypedLines(text: text, harness: self), naming: naming).run()
    return (sink.stdout, sink.stderr)
  }

  /// Runs `text` as one script; returns the outcome and what it printed.
  @discardableResult
  func script(_ text: String, name: String = "test.ddc")
    -> (outcome: Runner.Outcome, out: String, err: String)
  {
    sink.clear()
    let outcome = runner.run(Source(name: name, text: text))
    return (outcome, sink.stdout, sink.stderr)
  }

  /// Runs `body` (which drives `runner` itself, e.g. through a `ScriptReader`); returns its
  /// result and what it printed.
  func capture<R>(_ body: () throws -> R) rethrows -> (value: R, out: String, err: String) {
    sink.clear()
    let value = try body()
    return (value, sink.stdout, sink.stderr)
  }

  /// The real Fashion-MNIST as `load fashion-mnist` returns it, loaded once per test process
  /// (about a second) and shared: the object is immutable. Tests that only need a dataset
  /// in a variable bind it instead of loading again; transcripts run the real `load`.
  static let fashionMNIST: Value = {
    let harness = Harness()
    let result = harness.script("fm = load fashion-mnist")
    if result.outcome != .success {
      let message = "ShellTests need /usr/share/datasets/fashion-mnist (make deps): " + result.err
      Issue.record(Comment(rawValue: message))
    }
    return harness.interpreter.environment["fm"] ?? .none
  }()

  /// A harness with `fm` bound to the real Fashion-MNIST (shared, see `fashionMNIST`).
  static func withFashionMNIST(seed: UInt64 = 0) -> Harness {
    let harness = Harness(seed: seed)
    harness.bind("fm", fashionMNIST)
    return harness
  }
}

/// The lines of a text fed to the REPL as if typed; `# ctrl-c after N steps` at the end of
/// an entry's last line arms the harness's simulated Ctrl-C for that entry only.
final class TypedLines: LineReader {
  private let reader: ScriptedLineReader
  private unowned let harness: Harness

  init(text: String, harness: Harness) {
    reader = ScriptedLineReader(text: text)
    self.harness = harness
  }

  func readLine(prompt: String) -> LineInput {
    harness.cancelCtrlC()
    let input = reader.readLine(prompt: prompt)
    if case .line(let line) = input, let steps = Self.ctrlCSteps(in: line) {
      harness.pressCtrlC(afterProgressUpdates: steps)
    }
    return input
  }

  func addHistory(_ line: String) {
    reader.addHistory(line)
  }

  /// N in a `# ctrl-c after N steps` annotation.
  static func ctrlCSteps(in line: String) -> Int? {
    guard let marker = line.range(of: "# ctrl-c after ") else { return nil }
    let digits = line[marker.upperBound...].prefix(while: \.isNumber)
    return Int(digits)
  }
}

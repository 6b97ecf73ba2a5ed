import Foundation
import TensorCore

/// Process-level options, as parsed from the command line by the ddcal executable.
public struct LaunchOptions {
  /// The global seed (`--seed`).
  public var seed: UInt64 = 0
  /// Worker threads for kernels and BLAS (`--threads`); nil keeps the defaults.
  public var threads: Int?
  /// Parent directory for session folders (`--session`); nil disables recording.
  public var sessionParent: URL? = URL(fileURLWithPath: "Sessions")
  /// `--quiet`: no banner, no progress lines.
  public var quiet = false
  /// True when standard error is a terminal (progress redraws in place).
  public var stderrIsTerminal = false
  /// The memory budget in bytes (`--memory`); nil keeps `MemoryBudget.defaultBytes`.
  public var memory: Int?
  /// `--sandbox`: every write stays inside the working directory and the sessions directory.
  public var sandbox = false

  /// Default options.
  public init() {}
}

/// Wires the pieces together for the executable: settings, interpreter, script and REPL runs.
public enum Launcher {
  /// Confines writes for `--sandbox` to the working directory and the sessions directory
  /// (created if missing); does nothing without it.
  /// - Throws: `WriteGuard.Refusal` when a directory cannot be resolved.
  public static func applySandbox(_ options: LaunchOptions) throws {
    guard options.sandbox else { return }
    let directories =
      [FileManager.default.currentDirectoryPath] + (options.sessionParent.map { [$0.path] } ?? [])
    try WriteGuard.confine(to: directories)
  }

  /// Applies process-wide settings and builds a runner with the standard registry.
  public static func makeRunner(_ options: LaunchOptions, output: Output = .standard()) -> Runner {
    let (options, output) = rankLocal(options, output)
    if let threads = options.threads { Parallel.threads = min(max(threads, 1), maximumThreads) }
    if let memory = options.memory { MemoryBudget.set(memory) }
    // One pool of workers for GEMM and every other kernel (see `Gemm.sgemm`).
    Gemm.useWorkerThreads()
    let progress: ProgressStyle =
      options.quiet
      ? .silent : (options.stderrIsTerminal ? .terminal(interval: 0.1) : .lines(interval: 10))
    let settings = ShellSettings(seed: options.seed, quiet: options.quiet, progressStyle: progress)
    let interpreter = Interpreter(registry: .standard, settings: settings, output: output)
    let sessions = SessionRecorder(
      parentDirectory: options.sessionParent,
      seed: { [weak interpreter] in
        interpreter?.settings.seed ?? options.seed
      })
    interpreter.attach(sessions)
    let runner = Runner(interpreter: interpreter)
    runner.stopsAtPendingInterrupt = true
    return runner
  }

  /// The most worker threads `--threads` may ask for: 8 per core. More only adds
  /// contention, and thousands would exhaust the process's threads.
  public static var maximumThreads: Int { 8 * ProcessInfo.processInfo.activeProcessorCount }

  /// Runs `text` as a script named `name`.
  /// - Returns: 0 on success, 65 for a syntax error, 70 for a runtime error, 130 when
  ///   interrupted, or the status given to `quit`.
  public static func runScript(_ text: String, name: String, runner: Runner) -> Int32 {
    runner.run(Source(name: name, text: text)).exitStatus
  }

  /// Runs the script read from `fd` as it arrives (see `ScriptReader`).
  /// - Returns: as `runScript(_:name:runner:)`.
  public static func runScript(fileDescriptor fd: Int32, name: String, runner: Runner) -> Int32 {
    ScriptReader(fileDescriptor: fd, name: name, runner: runner).run()
  }

  /// Runs the interactive shell on the terminal until Ctrl-D or `quit`.
  public static func runInteractive(runner: Runner, quiet: Bool) -> Int32 {
    let interpreter = runner.interpreter
    if !quiet {
      interpreter.output.write(
        "ddcal \(ShellInfo.version): type 'help' for commands, Ctrl-D to quit\n")
    }
    let reader = EditLineReader(
      historyPath: EditLineReader.defaultHistoryPath,
      warn: { [weak interpreter] in interpreter?.output.error($0) }
    ) { line, cursor in
      Completer(registry: interpreter.registry, environment: interpreter.environment)
        .complete(line, cursor: cursor)
    }
    runner.startsInterruptsOnNewLine = true
    runner.stopsAtPendingInterrupt = false
    let status = REPL(runner: runner, reader: reader).run()
    if interpreter.exitRequest == nil { interpreter.output.write("\n") }
    return status
  }
}

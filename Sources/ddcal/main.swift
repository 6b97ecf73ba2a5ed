import ArgumentParser
import Foundation
import Shell

/// The ddcal executable: argv, terminal detection and exit statuses; everything else is Shell.
struct DDCal: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ddcal",
    abstract: "A notebook-style shell for calibration of networks trained on distilled data.",
    discussion: """
      With no FILE and no -e, starts the interactive shell on a terminal, or runs standard \
      input as a script when it is piped. Scripts stop at the first error. Exit status: 0 \
      success, 65 syntax error, 70 runtime error, 130 interrupted, 66 unreadable file. \
      Scripts run as they are read. The REPL keeps its history in $DDCAL_HISTORY, else \
      $HOME/.ddcal_history.
      """,
    version: ShellInfo.version)

  @Argument(help: "Scripts (.ddc) to run, in order.")
  var files: [String] = []

  @Option(name: .customShort("e"), help: "Statements to run before any FILE (repeatable).")
  var statements: [String] = []

  @Option(help: "The global random seed.")
  var seed: UInt64 = 0

  @Option(help: "Worker threads for kernels and BLAS (at most 8 per core).")
  var threads: Int?

  @Option(
    help: ArgumentHelp(
      "Memory budget for one value or command, e.g. 4G or 512M (default: half of RAM).",
      valueName: "size"))
  var memory: String?

  @Option(name: .customLong("session"), help: "Parent directory for session folders.")
  var sessionDirectory = "Sessions"

  @Flag(name: .customLong("no-session"), help: "Do not record a session folder.")
  var noSession = false

  @Flag(
    help: """
      Confine every write (save, figures, checkpoints, experts, sessions) to the working \
      directory and the sessions directory: for running a script someone else wrote.
      """)
  var sandbox = false

  @Flag(help: "No banner and no progress lines.")
  var quiet = false

  @Flag(name: [.short, .long], help: "Start the interactive shell after running scripts.")
  var interactive = false

  func validate() throws {
    if let threads, !(1...Launcher.maximumThreads).contains(threads) {
      throw ValidationError("--threads must be 1…\(Launcher.maximumThreads) (8 per core)")
    }
    if let memory, MemoryBudget.parse(memory) == nil {
      throw ValidationError("--memory must be a size such as 4G, 512M or 1000000 (bytes)")
    }
  }

  func run() throws {
    Interrupt.install()
    Launcher.joinCluster()
    var options = LaunchOptions()
    options.seed = seed
    options.threads = threads
    options.memory = memory.flatMap(MemoryBudget.parse)
    options.sessionParent = noSession ? nil : URL(fileURLWithPath: sessionDirectory)
    options.quiet = quiet
    options.stderrIsTerminal = isatty(STDERR_FILENO) == 1
    options.sandbox = sandbox
    do { try Launcher.applySandbox(options) } catch {
      throw ValidationError("--sandbox: \(error)")
    }
    let runner = Launcher.makeRunner(options)
    let status = Launcher.leaveCluster(status: try runAll(runner))
    if status != 0 { throw ExitCode(status) }
  }

  /// -e statements, then files, then the REPL or piped standard input.
  private func runAll(_ runner: Runner) throws -> Int32 {
    for (index, text) in statements.enumerated() {
      let name = statements.count == 1 ? "<command-line>" : "<command-line:\(index + 1)>"
      let status = Launcher.runScript(text, name: name, runner: runner)
      if status != 0 || runner.interpreter.exitRequest != nil { return status }
    }
    for file in files {
      let fd = open(file, O_RDONLY | O_CLOEXEC)
      var info = stat()
      guard fd >= 0, fstat(fd, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else {
        let reason = fd >= 0 ? "it is a directory" : String(cString: strerror(errno))
        if fd >= 0 { close(fd) }
        let message = "ddcal: cannot read '\(file)': \(reason)\n"
        try? FileHandle.standardError.write(contentsOf: Data(message.utf8))
        return 66
      }
      let status = Launcher.runScript(fileDescriptor: fd, name: file, runner: runner)
      close(fd)
      if status != 0 || runner.interpreter.exitRequest != nil { return status }
    }
    let ranSomething = !statements.isEmpty || !files.isEmpty
    if let refusal = Launcher.clusterRefusal(ranScripts: ranSomething) {
      try? FileHandle.standardError.write(contentsOf: Data("ddcal: \(refusal)\n".utf8))
      return 64
    }
    if isatty(STDIN_FILENO) == 1 {
      guard interactive || !ranSomething else { return 0 }
      return Launcher.runInteractive(runner: runner, quiet: quiet)
    }
    guard !ranSomething else { return 0 }
    return Launcher.runScript(fileDescriptor: STDIN_FILENO, name: "<stdin>", runner: runner)
  }
}

DDCal.main()

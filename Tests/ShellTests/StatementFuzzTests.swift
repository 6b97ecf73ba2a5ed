import Foundation
import Shell
import TensorCore
import Testing

extension ShellTestSuite {
  /// The statement fuzzer: typed statements generated from the registry
  /// (`StatementGenerator`) run against the real commands on tiny data. Every statement must
  /// either succeed without printing an error or fail with a located diagnostic; none may
  /// crash or hang.
  ///
  /// Two modes, because a crash cannot be caught in process:
  /// - bounded (`make test`): the per-parameter sweep (every callee × parameter × extreme
  ///   value, one at a time) runs in this process.
  ///   It relies on the validation layer: the sample is deterministic, so a crash it found
  ///   would fail every run, and a watchdog presses Ctrl-C on a statement still running after
  ///   `watchdogSeconds` so a polling loop cannot hang the suite.
  /// - long (`DDCAL_FUZZ_STATEMENTS=N`, `make fuzz-statements`): the whole sweep plus random
  ///   multi-parameter statements up to N run in child processes (this test binary re-run
  ///   with only `statementFuzzWorker`). The parent watches a progress file: a child killed
  ///   by a signal is a crash at the statement it had started, one silent for
  ///   `hangSeconds` is a hang (killed); either way a new child resumes after it. The counts
  ///   are printed and must be zero.
  @Suite struct StatementFuzzTests {
    /// The sweep's size today is about 1,700 statements (about a second in process).
    static let boundedBudget = 1000
    static let watchdogSeconds = 5.0
    static let hangSeconds = 30.0

    /// What running one statement showed.
    enum Verdict: String {
      case ok, failed
      /// Success that printed an error, or failure without a located diagnostic.
      case undiagnosed
    }

    static func run(_ statement: String, in harness: Harness) -> Verdict {
      let result = harness.script(statement, name: "<fuzz>")
      switch result.outcome {
      case .success, .exit:
        return result.err.contains("error:") ? .undiagnosed : .ok
      case .failure:
        let located = result.err.contains("<fuzz>:1:") && result.err.contains(": error: ")
        return located || result.err.hasPrefix("interrupted") ? .failed : .undiagnosed
      }
    }

    static func temporaryDirectory() throws -> URL {
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ddcal-fuzz-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      return url
    }

    /// A harness with the generator's variables bound.
    static func prepared(_ generator: StatementGenerator) -> Harness {
      // Sessions (where commands put default folders such as an EDD pool) live in the
      // generator's temporary directory, never in the working directory.
      let harness = Harness(sessions: generator.directory)
      let setup = harness.script(generator.setup, name: "<setup>")
      #expect(setup.outcome == .success, "\(setup.err)")
      return harness
    }

    @Test func boundedSweepInProcess() throws {
      guard ProcessInfo.processInfo.environment["DDCAL_FUZZ_STATEMENTS"] == nil else { return }
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let generator = StatementGenerator(directory: directory)
      let sample = generator.sweep(.standard)
      let harness = Self.prepared(generator)
      var counts: [Verdict: Int] = [:]
      for statement in sample {
        let verdict = Self.withWatchdog { Self.run(statement, in: harness) }
        counts[verdict, default: 0] += 1
        #expect(verdict != .undiagnosed, "\(statement)")
      }
      #expect(sample.count >= Self.boundedBudget)
      #expect((counts[.ok] ?? 0) > 20 && (counts[.failed] ?? 0) > 100, "\(counts)")
    }

    /// Runs `body`, pressing Ctrl-C if it is still running after `watchdogSeconds` (a late
    /// press is harmless: the next statement starts by clearing it).
    static func withWatchdog<T>(_ body: () -> T) -> T {
      let press = DispatchWorkItem { Interrupt.request() }
      DispatchQueue.global().asyncAfter(deadline: .now() + watchdogSeconds, execute: press)
      defer { press.cancel() }
      return body()
    }

    // MARK: - Long mode

    @Test func longRunInChildProcesses() throws {
      let environment = ProcessInfo.processInfo.environment
      guard let budget = environment["DDCAL_FUZZ_STATEMENTS"].flatMap(Int.init) else { return }
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let generator = StatementGenerator(directory: directory)
      var statements = generator.sweep(.standard)
      var rng = RandomStream(seed: 20_261_205)
      while statements.count < budget { statements.append(generator.random(.standard, &rng)) }
      statements = Array(statements.prefix(budget))
      let list = directory.appendingPathComponent("statements.txt")
      try statements.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
      let report = try FuzzSupervisor(statements: statements, list: list, directory: directory)
        .run()
      print(report.summary)
      #expect(report.crashes.isEmpty, "crashes: \(report.crashes.prefix(20))")
      #expect(report.hangs.isEmpty, "hangs: \(report.hangs.prefix(20))")
      #expect(report.undiagnosed.isEmpty, "undiagnosed: \(report.undiagnosed.prefix(20))")
    }

    /// The child's side of the long mode: runs the statements of `DDCAL_FUZZ_WORKER` from
    /// `DDCAL_FUZZ_START`, writing "start i" and "done i verdict" lines to
    /// `DDCAL_FUZZ_PROGRESS`. Does nothing in an ordinary test run.
    @Test func statementFuzzWorker() throws {
      let environment = ProcessInfo.processInfo.environment
      guard let list = environment["DDCAL_FUZZ_WORKER"],
        let progressPath = environment["DDCAL_FUZZ_PROGRESS"],
        let start = environment["DDCAL_FUZZ_START"].flatMap(Int.init),
        let directory = environment["DDCAL_FUZZ_DIRECTORY"]
      else { return }
      let statements = try String(contentsOfFile: list, encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let progress = try FileHandle(forWritingTo: URL(fileURLWithPath: progressPath))
      progress.seekToEndOfFile()
      let harness = Self.prepared(StatementGenerator(directory: URL(fileURLWithPath: directory)))
      for index in start..<statements.count {
        progress.write(Data("start \(index)\n".utf8))
        let verdict = Self.run(statements[index], in: harness)
        progress.write(Data("done \(index) \(verdict.rawValue)\n".utf8))
      }
    }
  }
}

import Foundation

/// Runs the statement fuzzer's long mode: child processes (this test binary, filtered to
/// `statementFuzzWorker`) work through the statement list while the supervisor reads their
/// progress file; a child that dies by a signal or stays silent too long marks a crash or a
/// hang at the statement it had started, and a new child resumes after it.
struct FuzzSupervisor {
  let statements: [String]
  /// The statements, one per line, as the workers read them.
  let list: URL
  /// Working directory of the children and home of the progress files.
  let directory: URL
  var hangSeconds = ShellTestSuite.StatementFuzzTests.hangSeconds

  struct Report {
    var crashes: [String] = []
    var hangs: [String] = []
    var undiagnosed: [String] = []
    var verdicts: [String: Int] = [:]
    var children = 0
    var seconds = 0.0

    var summary: String {
      let counts = verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      return "statement fuzz: \(verdicts.values.reduce(0, +)) statements in "
        + String(format: "%.0f s", seconds) + " (\(children) processes): "
        + counts.joined(separator: ", ") + "; crashes \(crashes.count), hangs \(hangs.count)"
        + crashes.map { "\n  crash: \($0)" }.joined() + hangs.map { "\n  hang: \($0)" }.joined()
        + undiagnosed.prefix(20).map { "\n  undiagnosed: \($0)" }.joined()
    }
  }

  func run() throws -> Report {
    let clock = Date()
    var report = Report()
    var start = 0
    while start < statements.count {
      report.children += 1
      start = try runChild(from: start, &report)
    }
    report.seconds = Date().timeIntervalSince(clock)
    return report
  }

  /// One child from statement `start`; returns where the next child starts.
  private func runChild(from start: Int, _ report: inout Report) throws -> Int {
    let progress = directory.appendingPathComponent("progress-\(start).txt")
    FileManager.default.createFile(atPath: progress.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--testing-library", "swift-testing", "--filter", "statementFuzzWorker"]
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["DDCAL_FUZZ_STATEMENTS"] = nil
    environment["DDCAL_FUZZ_WORKER"] = list.path
    environment["DDCAL_FUZZ_PROGRESS"] = progress.path
    environment["DDCAL_FUZZ_START"] = String(start)
    environment["DDCAL_FUZZ_DIRECTORY"] = directory.path
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let reader = try FileHandle(forReadingFrom: progress)
    var pending = ""
    var current: Int?
    var finished = start - 1
    var lastNews = Date()
    while true {
      let exited = !process.isRunning
      // availableData may return part of a regular file; once the child has exited, read
      // everything it wrote.
      let data = exited ? reader.readDataToEndOfFile() : reader.availableData
      let text = String(decoding: data, as: UTF8.self)
      if !text.isEmpty { lastNews = Date() }
      pending += text
      while let newline = pending.firstIndex(of: "\n") {
        let line = pending[..<newline].split(separator: " ")
        pending.removeSubrange(...newline)
        guard line.count >= 2, let index = Int(line[1]) else { continue }
        if line[0] == "start" {
          current = index
        } else if line.count == 3 {
          current = nil
          finished = index
          report.verdicts[String(line[2]), default: 0] += 1
          if line[2] == "undiagnosed" { report.undiagnosed.append(statements[index]) }
        }
      }
      if exited { break }
      if Date().timeIntervalSince(lastNews) > hangSeconds {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let index = current ?? start
        report.hangs.append(statements[index])
        return index + 1
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    process.waitUntilExit()
    // A child that stopped before the end died on the statement it had started (or, if it
    // left between statements, on the next one).
    let index = current ?? finished + 1
    guard index < statements.count else { return statements.count }
    let how = process.terminationReason == .uncaughtSignal ? "signal" : "exit"
    let after = current == nil && index > 0 ? " (after: \(statements[index - 1]))" : ""
    report.crashes.append("\(statements[index]) [\(how) \(process.terminationStatus)]\(after)")
    return index + 1
  }
}

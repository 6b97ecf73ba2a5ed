import Foundation
import Shell
import Testing

extension ShellTestSuite {
  /// The executable against inputs that used to hang it or clobber files: endless piped
  /// input, special files, device nodes as save targets, writes outside `--sandbox`.
  @Suite struct ReliabilityEndToEndTests {
    typealias E2E = EndToEndTests

    /// `yes 'print 1' | ddcal`: statements run while input keeps coming, memory stays small,
    /// and SIGINT stops it with status 130.
    @Test func endlessPipedInputRunsAsItArrivesAndStopsOnCtrlC() throws {
      let binary = try #require(E2E.executable)
      let yes = Process()
      yes.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
      yes.arguments = ["print 1"]
      let input = Pipe()
      yes.standardOutput = input
      let ddcal = Process()
      ddcal.executableURL = binary
      ddcal.arguments = ["--no-session", "--quiet"]
      ddcal.environment = ["DDCAL_HISTORY": "/dev/null", "PATH": "/usr/bin:/bin"]
      ddcal.standardInput = input
      let out = Pipe()
      let err = Pipe()
      ddcal.standardOutput = out
      ddcal.standardError = err
      try yes.run()
      try ddcal.run()
      defer {
        yes.terminate()
        yes.waitUntilExit()
      }
      let seen = Self.read(out.fileHandleForReading, atLeast: 200_000, within: 60)
      let resident = Self.residentKilobytes(ddcal.processIdentifier)
      kill(ddcal.processIdentifier, SIGINT)
      _ = out.fileHandleForReading.readDataToEndOfFile()
      let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      ddcal.waitUntilExit()
      #expect(seen >= 200_000, "output while input was still arriving")
      #expect(resident < 400_000, "resident memory \(resident) kB")
      #expect(ddcal.terminationStatus == 130)
      #expect(errors.contains("interrupted"), "\(errors)")
    }

    /// Reads from `handle` until `count` bytes arrived or `seconds` passed; returns the count.
    static func read(_ handle: FileHandle, atLeast count: Int, within seconds: Double) -> Int {
      let deadline = Date().addingTimeInterval(seconds)
      var total = 0
      var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
      while total < count && Date() < deadline {
        guard poll(&poller, 1, 100) > 0 else { continue }
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        total += chunk.count
      }
      return total
    }

    static func residentKilobytes(_ pid: Int32) -> Int {
      let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
      let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
      return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The REPL on a pseudo-terminal (util-linux `script`) in the C locale: non-ASCII input
    /// arrives whole, an unwritable history file warns once, `help for` explains the keyword.
    @Test func terminalInputKeepsNonASCIIAndWarnsOnceAboutHistory() throws {
      let binary = try #require(E2E.executable)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
      process.arguments = ["-qec", "\(binary.path) --no-session --quiet", "/dev/null"]
      process.environment = [
        "PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "DDCAL_HISTORY": "/proc/none/history",
        "TERM": "dumb",
      ]
      let input = Pipe()
      let output = Pipe()
      process.standardInput = input
      process.standardOutput = output
      try process.run()
      input.fileHandleForWriting.write(Data("print \"aé日b\"\nhelp for\nprint 2\nquit\n".utf8))
      let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      try input.fileHandleForWriting.close()
      process.waitUntilExit()
      #expect(text.contains("\naé日b\r\n"), "\(text)")
      #expect(text.components(separatedBy: "cannot write the history file").count == 2, "\(text)")
      #expect(text.contains("'for' is a keyword."))
    }

    @Test func historyFileFollowsTheEnvironment() {
      let path = EditLineReader.historyPath(environment: ["HOME": "/home/u"])
      #expect(path == "/home/u/.ddcal_history")
      let chosen = EditLineReader.historyPath(environment: ["HOME": "/h", "DDCAL_HISTORY": "/x"])
      #expect(chosen == "/x")
    }

    @Test(arguments: ["/dev/urandom", "/dev/zero", "/tmp"])
    func loadRefusesSpecialFiles(_ path: String) throws {
      let run = try E2E.ddcal(["--no-session", "-e", "x = load \"\(path)\""])
      #expect(run.status == 70)
      #expect(run.err.contains("not a regular file"), "\(run.err)")
    }

    /// The device node stays a device: ddcal refuses to replace it (documented in `save`).
    @Test func saveToADeviceIsRefusedAndTheDeviceStays() throws {
      let run = try E2E.ddcal(["--no-session", "-e", "save (randn [2, 3]) \"/dev/null\""])
      #expect(run.status == 70)
      #expect(run.err.contains("/dev/null: cannot write: it is a character device"), "\(run.err)")
      var info = stat()
      #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func scriptFileThatIsADirectoryIsUnreadable() throws {
      let run = try E2E.ddcal(["--no-session", "/tmp"])
      #expect(run.status == 66)
      #expect(run.err.contains("it is a directory"))
    }

    /// `--sandbox`: writes inside the working directory and the sessions directory work;
    /// anything outside (absolute, `..`, a symbolic link out) is an error naming the path.
    @Test func sandboxConfinesEveryWrite() throws {
      let directory = try E2E.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let work = directory.appendingPathComponent("work")
      let outside = directory.appendingPathComponent("outside")
      try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: work.appendingPathComponent("escape").path, withDestinationPath: outside.path)
      let allowed = try E2E.ddcal(
        ["--sandbox", "--session", "S", "-e", "t = randn [2, 3]; save t \"in/t.npy\"; print 1"],
        in: work)
      #expect(allowed.status == 0, "\(allowed.err)")
      #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("in/t.npy").path))
      let statements = [
        "save t \"\(outside.path)/t.npy\"", "save t \"../outside/t.npy\"",
        "save t \"escape/t.npy\"", "save t \"escape/new/t.npy\"",
        "plot reliability p file=\"\(outside.path)/r.png\"",
        "distill dm d ipc=1 iterations=1 width=4 depth=1 checkpoint=\"../outside/c.npz\"",
        "experts d count=1 epochs=1 width=4 depth=1 dir=\"\(outside.path)/ex\"",
      ]
      let setup =
        "t = randn [2, 3]; p = predictions (randn [4, 3]) [0, 1, 2, 0]; "
        + "d = dataset (randn [4, 1, 4, 4]) [0, 1, 0, 1] classes=2"
      for statement in statements {
        let run = try E2E.ddcal(
          ["--sandbox", "--no-session", "-e", setup, "-e", statement], in: work)
        #expect(run.status == 70, "\(statement): \(run.err)")
        #expect(run.err.contains("outside the sandbox"), "\(statement): \(run.err)")
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
      let sessions = try E2E.ddcal(
        ["--sandbox", "--session", outside.appendingPathComponent("S").path, "-e", "print 2"],
        in: work)
      #expect(sessions.status == 0, "the sessions directory is allowed: \(sessions.err)")
    }
  }
}

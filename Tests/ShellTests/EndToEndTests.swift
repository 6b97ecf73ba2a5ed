import Foundation
import Testing

extension ShellTestSuite {
  /// Runs the built `ddcal` executable (Lua's testes/main.lua, argument-parser's example tests).
  @Suite struct EndToEndTests {
    /// The ddcal binary: `$DDCAL_EXECUTABLE`, or next to the running test bundle in
    /// `<scratch>/<triple>/<config>/` (so debug, release and --scratch-path all work).
    static let executable: URL? = {
      let environment = ProcessInfo.processInfo.environment
      if let path = environment["DDCAL_EXECUTABLE"] { return URL(fileURLWithPath: path) }
      var starts = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
      if let executable = Bundle.main.executableURL { starts.append(executable) }
      for start in starts {
        var directory = start.standardizedFileURL
        for _ in 0..<4 {
          directory = directory.deletingLastPathComponent()
          let candidate = directory.appendingPathComponent("ddcal")
          if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
      }
      return nil
    }()

    struct Run {
      var status: Int32
      var out: String
      var err: String
    }

    /// Runs ddcal with `arguments` and `input` on standard input, in `directory`.
    static func ddcal(_ arguments: [String], input: String = "", in directory: URL? = nil) throws
      -> Run
    {
      let binary = try #require(executable, "build the ddcal product first (swift build)")
      let process = Process()
      process.executableURL = binary
      process.arguments = arguments
      if let directory { process.currentDirectoryURL = directory }
      var environment = ProcessInfo.processInfo.environment
      environment["DDCAL_HISTORY"] = "/dev/null"
      process.environment = environment
      let stdin = Pipe()
      let stdout = Pipe()
      let stderr = Pipe()
      process.standardInput = stdin
      process.standardOutput = stdout
      process.standardError = stderr
      try process.run()
      stdin.fileHandleForWriting.write(Data(input.utf8))
      try stdin.fileHandleForWriting.close()
      let out = stdout.fileHandleForReading.readDataToEndOfFile()
      let err = stderr.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return Run(
        status: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
        err: String(decoding: err, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ddcal-e2e-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      return url
    }

    @Test func executableIsFound() {
      #expect(Self.executable != nil)
    }

    @Test func commandLineStatements() throws {
      let run = try Self.ddcal(["--no-session", "-e", "x = 6 * 7; print \"x is\" x", "-e", "x"])
      #expect(run.status == 0)
      #expect(run.out == "x is 42\n42\n")
      #expect(run.err == "")
    }

    @Test func pipedStandardInputRunsAsAScript() throws {
      let run = try Self.ddcal(["--no-session"], input: "xs = [1,\n 2]\nprint xs.count\n")
      #expect(run.status == 0)
      #expect(run.out == "2\n")
    }

    /// Scripts run as they are read, so statements before a syntax error have run.
    @Test(arguments: [
      ("print 1\nprint (1 +\n", Int32(65), "1\n"),
      ("print 1\nx = ]\nprint 2\n", 65, "1\n"),
      ("print 1\nprint nope\nprint 2\n", 70, "1\n"),
      ("print 1\nquit 3\nprint 2\n", 3, "1\n"),
      ("exit\n", 0, ""),
    ])
    func exitStatuses(_ script: String, _ status: Int32, _ output: String) throws {
      let run = try Self.ddcal(["--no-session"], input: script)
      #expect(run.status == status)
      #expect(run.out == output)
      #expect(status == 0 || status == 3 || run.err.contains("<stdin>:"))
    }

    @Test func scriptFilesAndMissingFiles() throws {
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let script = directory.appendingPathComponent("a.ddc")
      try "seed\nprint 1 + 1\n".write(to: script, atomically: true, encoding: .utf8)
      let run = try Self.ddcal(["--no-session", "--seed", "5", script.path])
      #expect(run.status == 0)
      #expect(run.out == "seed 5\n2\n")
      let missing = try Self.ddcal([
        "--no-session", directory.appendingPathComponent("nope.ddc").path,
      ])
      #expect(missing.status == 66)
    }

    @Test func sessionFolderIsWrittenAndReplays() throws {
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let sessions = directory.appendingPathComponent("S")
      let input = "session \"demo\"\nx = 2\nhelp seed\nprint x * 21\nprint nope\n"
      let run = try Self.ddcal(["--session", sessions.path, "--seed", "9"], input: input)
      #expect(run.status == 70)
      let folders = try FileManager.default.contentsOfDirectory(atPath: sessions.path)
      #expect(folders.count == 1)
      let folder = try #require(folders.first)
      #expect(folder.hasSuffix("-demo"))
      let base = sessions.appendingPathComponent(folder)
      let script = try String(
        contentsOf: base.appendingPathComponent("session.ddc"), encoding: .utf8)
      #expect(script.hasSuffix("seed 9\nsession \"demo\"\nx = 2\nprint x * 21\n"))
      let transcript = try String(
        contentsOf: base.appendingPathComponent("transcript.md"), encoding: .utf8)
      #expect(transcript.contains("```ddcal\nprint x * 21\n```\n\n```text\n42\n```\n"))
      #expect(transcript.contains("unknown variable or command 'nope'"))
      let replay = try Self.ddcal(["--no-session", base.appendingPathComponent("session.ddc").path])
      #expect(replay.status == 0)
      #expect(replay.out == "42\n")
    }

    /// A small real experiment through the binary (Fashion-MNIST, a tiny ConvNet, one epoch)
    /// with no seed= anywhere, so every draw comes from --seed: the session folder gets a
    /// transcript and a script, and replaying the script prints the same numbers.
    @Test func engineSessionReplaysToTheSameNumbers() throws {
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let sessions = directory.appendingPathComponent("S")
      let input = """
        fm = load fashion-mnist
        sub = fm.train.sample per_class=2
        net = convnet sub width=4 depth=1
        h = train net sub epochs=1 batch=10
        r = eval net sub
        print r.accuracy r.nll r.ece h.loss

        """
      let run = try Self.ddcal(["--session", sessions.path, "--seed", "3"], input: input)
      #expect(run.status == 0, "\(run.err)")
      let numbers = run.out
      #expect(numbers.split(separator: " ").count == 4 && numbers.hasSuffix("]\n"), "\(numbers)")

      let folders = try FileManager.default.contentsOfDirectory(atPath: sessions.path)
      #expect(folders.count == 1)
      let base = sessions.appendingPathComponent(try #require(folders.first))
      let script = try String(
        contentsOf: base.appendingPathComponent("session.ddc"), encoding: .utf8)
      #expect(script.hasSuffix("seed 3\n" + input.replacingOccurrences(of: "\n\n", with: "\n")))
      let transcript = try String(
        contentsOf: base.appendingPathComponent("transcript.md"), encoding: .utf8)
      #expect(
        transcript.contains(
          "```ddcal\nprint r.accuracy r.nll r.ece h.loss\n```\n\n```text\n\(numbers)```\n"))

      let replay = try Self.ddcal(["--no-session", base.appendingPathComponent("session.ddc").path])
      #expect(replay.status == 0, "\(replay.err)")
      #expect(replay.out == numbers)
      let otherSeed = try Self.ddcal(["--no-session", "--seed", "4"], input: input)
      #expect(otherSeed.status == 0)
      #expect(otherSeed.out != numbers)
    }

    /// Every figure command writes its file into the session folder, embeds it in
    /// transcript.md, and draws the same PNG bytes when the session is replayed.
    @Test func figureCommandsWriteIntoTheSession() throws {
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let sessions = directory.appendingPathComponent("S")
      let input = """
        fm = load fashion-mnist
        sub = fm.train.sample per_class=3
        held = fm.train.sample per_class=2 seed=5
        net = convnet sub width=4 depth=1
        h = train net sub epochs=2 batch=10
        mts = calibrate net sub method=mts r=0.3
        s = sweep net sub val=held ratios=[0.2, 0.5]
        plot reliability net mts data=sub names=["raw", "MTS"]
        plot hist net mts data=sub
        plot lines s
        plot curves h
        show sub per_class=3
        plot reliability net data=sub file="rel.svg"

        """
      let run = try Self.ddcal(
        ["--session", sessions.path, "--seed", "1", "--quiet"], input: input)
      #expect(run.status == 0, "\(run.err)")
      let folders = try FileManager.default.contentsOfDirectory(atPath: sessions.path)
      let base = sessions.appendingPathComponent(try #require(folders.first))
      let transcript = try String(
        contentsOf: base.appendingPathComponent("transcript.md"), encoding: .utf8)
      let names = ["reliability-1.png", "hist-2.png", "lines-3.png", "curves-4.png", "show-5.png"]
      for name in names + ["rel.svg"] {
        let data = try Data(contentsOf: base.appendingPathComponent(name))
        #expect(data.count > 1000, "\(name)")
        #expect(transcript.contains("![](\(name))"), "\(name) embedded")
      }
      let png = try Data(contentsOf: base.appendingPathComponent("reliability-1.png"))
      #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))

      let replayDir = directory.appendingPathComponent("R")
      let replay = try Self.ddcal(
        ["--session", replayDir.path, "--quiet", base.appendingPathComponent("session.ddc").path])
      #expect(replay.status == 0, "\(replay.err)")
      let replayed = try FileManager.default.contentsOfDirectory(atPath: replayDir.path)
      let again = replayDir.appendingPathComponent(try #require(replayed.first))
      for name in names {
        #expect(
          try Data(contentsOf: again.appendingPathComponent(name))
            == Data(contentsOf: base.appendingPathComponent(name)), "\(name) byte-identical")
      }
    }

    @Test func versionAndHelp() throws {
      let version = try Self.ddcal(["--version"])
      #expect(version.status == 0 && version.out == "0.1.0\n")
      let help = try Self.ddcal(["--help"])
      #expect(help.status == 0 && help.out.contains("--no-session"))
      let bad = try Self.ddcal(["--threads", "0"])
      #expect(bad.status == 64)
    }
  }
}

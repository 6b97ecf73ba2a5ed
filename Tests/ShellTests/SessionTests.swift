import Foundation
import Shell
import Testing

extension ShellTestSuite {
  @Suite struct SessionTests {
    static func temporaryDirectory() throws -> URL {
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ddcal-session-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      return url
    }

    static func read(_ url: URL) throws -> String {
      try String(contentsOf: url, encoding: .utf8)
    }

    @Test func recordsStatementsOutputAndReplayScript() throws {
      let parent = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: parent) }
      let harness = Harness(sessions: parent, seed: 4)
      harness.repl("x = 2; print x + 1\nvars\nprint nope\nhelp seed\n1 +* 2\n")
      let session = try #require(harness.interpreter.sessions.session)
      let stamp = Session.stamp(Date(timeIntervalSince1970: 1_750_000_000))
      #expect(session.directory.lastPathComponent == stamp)
      let script = try Self.read(session.scriptURL)
      #expect(
        script
          == "# ddcal session script; replay with: ddcal session.ddc\nseed 4\nx = 2\nprint x + 1\n")
      let transcript = try Self.read(session.transcriptURL)
      #expect(transcript.hasPrefix("# ddcal session\n\nStarted "))
      #expect(transcript.contains(" · seed 4 · ddcal \(ShellInfo.version)\n"))
      let body = transcript.components(separatedBy: "\n\n```ddcal\nx = 2\n```\n").last ?? ""
      #expect(
        body.hasPrefix(
          "\n```ddcal\nprint x + 1\n```\n\n```text\n3\n```\n\n```ddcal\nvars\n```\n\n```text\n"))
      #expect(transcript.contains("```ddcal\nprint nope\n```\n\n```text\n<repl:3>:1:7: error:"))
      #expect(transcript.contains("```ddcal\n1 +* 2\n```\n\n```text\n<repl:5>:1:4: error:"))
    }

    @Test func namingRenamesTheFolderAndKeepsWriting() throws {
      let parent = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: parent) }
      let harness = Harness(sessions: parent)
      let bad = harness.repl("x = 1\nsession \"my run/1\"\n")
      #expect(bad.err.contains("must be non-empty and contain no '/'"))
      harness.repl("session \"my run\"\ny = 2\n")
      let session = try #require(harness.interpreter.sessions.session)
      #expect(session.directory.lastPathComponent.hasSuffix("-my-run"))
      #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).count == 1)
      let script = try Self.read(session.scriptURL)
      #expect(script.hasSuffix("x = 1\nsession \"my run\"\ny = 2\n"))
    }

    @Test func namedBeforeCreationAndCollisionsGetSuffixes() throws {
      let parent = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: parent) }
      let date = Date(timeIntervalSince1970: 1_000)
      let first = try Session(parent: parent, name: "a", date: date, seed: 0)
      let second = try Session(parent: parent, name: "a", date: date, seed: 0)
      #expect(second.directory.lastPathComponent == first.directory.lastPathComponent + "-2")
    }

    @Test func figuresAreCopiedAndEmbedded() throws {
      let parent = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: parent) }
      let outside = parent.appendingPathComponent("plot.png")
      try Data([1, 2, 3]).write(to: outside)
      let session = try Session(parent: parent, name: nil, date: Date(), seed: 0)
      #expect(try session.attachFigure(outside.path) == "plot.png")
      try session.record(statement: "plot r", output: "", replayable: true)
      #expect(FileManager.default.fileExists(atPath: session.figureURL(named: "plot.png").path))
      #expect(
        try Self.read(session.transcriptURL).hasSuffix("```ddcal\nplot r\n```\n\n![](plot.png)\n"))
      #expect(throws: ShellError.self) {
        try session.attachFigure(parent.appendingPathComponent("no.png").path)
      }
    }

    @Test func fencesGrowPastBackticksInOutput() {
      #expect(Session.fenced("a ``` b", info: "text") == "````text\na ``` b\n````\n")
      #expect(Session.fenced("plain\n", info: "") == "```\nplain\n```\n")
    }

    @Test func atomicWriteReplacesWholeFiles() throws {
      let parent = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: parent) }
      let file = parent.appendingPathComponent("f.txt")
      try AtomicFile.write("one", to: file)
      try AtomicFile.write("two", to: file)
      #expect(try Self.read(file) == "two")
      #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["f.txt"])
      #expect(throws: ShellError.self) {
        try AtomicFile.write("x", to: parent.appendingPathComponent("missing/f.txt"))
      }
    }

    @Test func unwritableParentWarnsOnceAndStopsRecording() throws {
      let harness = Harness(sessions: URL(fileURLWithPath: "/proc/ddcal-cannot-write"))
      let first = harness.repl("x = 1\ny = 2\n")
      #expect(first.err.components(separatedBy: "warning: session recording stopped").count == 2)
      #expect(harness.interpreter.environment["y"] != nil)
    }

    @Test func displayPathIsRelativeInsideTheWorkingDirectory() {
      #expect(
        Session.displayPath("/w/r/Sessions/a/b.png", relativeTo: "/w/r") == "Sessions/a/b.png")
      #expect(
        Session.displayPath("/w/r/Sessions/a/b.png", relativeTo: "/w/r/") == "Sessions/a/b.png")
      #expect(Session.displayPath("/w/rx/b.png", relativeTo: "/w/r") == "/w/rx/b.png")
      #expect(Session.displayPath("/tmp/b.png", relativeTo: "/w/r") == "/tmp/b.png")
      #expect(Session.displayPath("b.png", relativeTo: "/w/r") == "b.png")
    }
  }
}

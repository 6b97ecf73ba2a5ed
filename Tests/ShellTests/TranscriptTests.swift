import Foundation
import Shell
import Testing

extension ShellTestSuite {
  /// Runs every `Transcripts/*.ddc` through the REPL with a scripted reader and compares the
  /// output with the inline expectations (clox's test runner):
  ///
  ///     x = 1 + 2
  ///     x                       # expect: 3
  ///     y = [1, 2               # (continues on the next line)
  ///     3]
  ///     trian                   # error: 6:1: unknown variable or command 'trian'
  ///     train net d epochs=2 batch=10  # ctrl-c after 3 steps  # interrupted: epoch 2, step 2
  ///
  /// `# expect:` lines give standard output, one line each, in order; `# error:` gives the
  /// `line:col: message` of each diagnostic; `# interrupted:` each interrupt message.
  /// `# ctrl-c after N steps` presses Ctrl-C once the statement has drawn N progress updates
  /// (see `Harness`), so a real training run stops at a known step.
  ///
  /// Every transcript runs the real engine commands. `tmp` is bound to a fresh directory
  /// (written as `$TMP` in expectations) holding `rgb.npz`, a two-image 3×8×8 dataset that
  /// no shell command can make, for shape-mismatch errors; `fixtures` holds numpy-written
  /// logits and labels (`$FIXTURES`).
  @Suite struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Transcripts")

    /// numpy-written logits and labels (Scripts/reference/logits_reference.py), bound as
    /// `fixtures` (written `$FIXTURES` in expectations).
    static let logitFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("CalibrationTests/Fixtures/logits")

    static var files: [String] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      return names.filter { $0.hasSuffix(".ddc") }.sorted()
    }

    @Test func transcriptsExist() {
      #expect(Self.files.count >= 7 && Self.files.contains("engine.ddc"))
    }

    @Test(arguments: files)
    func transcript(_ name: String) throws {
      let text = try String(
        contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
      let expected = Expectations(parsing: text)
      let directory = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness()
      harness.bind("tmp", .string(directory.path))
      if text.contains("fixtures") { harness.bind("fixtures", .string(Self.logitFixtures.path)) }
      var (out, err) = harness.repl(text, naming: .file(name))
      for (path, name) in [(directory.path, "$TMP"), (Self.logitFixtures.path, "$FIXTURES")] {
        out = out.replacingOccurrences(of: path, with: name)
        err = err.replacingOccurrences(of: path, with: name)
      }
      #expect(Self.lines(out) == expected.output, "standard output of \(name)")
      #expect(Expectations.errors(in: err, source: name) == expected.errors, "errors of \(name)")
      #expect(Expectations.interrupts(in: err) == expected.interrupts, "interrupts of \(name)")
    }

    /// A fresh directory with the `rgb.npz` fixture.
    static func temporaryDirectory() throws -> URL {
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ddcal-t-\(UUID().uuidString.prefix(8))")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      try NPZFixture.write(
        [
          .float32("images", shape: [2, 3, 8, 8], (0..<384).map { Float($0 % 7) / 7 }),
          .int64("labels", shape: [2], [0, 1]),
        ], to: url.appendingPathComponent("rgb.npz"))
      return url
    }

    static func lines(_ text: String) -> [String] {
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      return lines
    }
  }
}

/// The inline expectations of one transcript.
struct Expectations {
  var output: [String] = []
  var errors: [String] = []
  var interrupts: [String] = []

  init(parsing text: String) {
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if let value = Self.annotation("# expect:", in: line) { output.append(value) }
      if let value = Self.annotation("# error:", in: line) { errors.append(value) }
      if let value = Self.annotation("# interrupted:", in: line) { interrupts.append(value) }
    }
  }

  /// The text after `marker` on `line` (one leading space dropped), if present.
  private static func annotation(_ marker: String, in line: Substring) -> String? {
    guard let range = line.range(of: marker) else { return nil }
    var value = line[range.upperBound...]
    if value.first == " " { value = value.dropFirst() }
    return String(value)
  }

  /// `line:col: message` of each `source:line:col: error: message` header in `text`.
  static func errors(in text: String, source: String) -> [String] {
    text.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix(source + ":"), let marker = line.range(of: ": error: ") else {
        return nil
      }
      let location = line[
        line.index(line.startIndex, offsetBy: source.count + 1)..<marker.lowerBound]
      return location + ": " + line[marker.upperBound...]
    }
  }

  /// The location of each "interrupted at …" line in `text`.
  static func interrupts(in text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
      line.hasPrefix("interrupted at ") ? String(line.dropFirst("interrupted at ".count)) : nil
    }
  }
}

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
  ///     train net d interrupt_at=5  # interrupted: epoch 1, step 5
  ///
  /// `# expect:` lines give standard output, one line each, in order; `# error:` gives the
  /// `line:col: message` of each diagnostic; `# interrupted:` each interrupt message.
  @Suite struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Transcripts")

    static var files: [String] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      return names.filter { $0.hasSuffix(".ddc") }.sorted()
    }

    @Test func transcriptsExist() {
      #expect(Self.files.count >= 5)
    }

    @Test(arguments: files)
    func transcript(_ name: String) throws {
      let text = try String(
        contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
      let expected = Expectations(parsing: text)
      let harness = Harness()
      let (out, err) = harness.repl(text, naming: .file(name))
      #expect(Self.lines(out) == expected.output, "standard output of \(name)")
      #expect(Expectations.errors(in: err, source: name) == expected.errors, "errors of \(name)")
      #expect(Expectations.interrupts(in: err) == expected.interrupts, "interrupts of \(name)")
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

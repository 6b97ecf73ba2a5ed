/// The read-eval-print loop (lua.c's doREPL): read an entry, asking for more lines while it is
/// incomplete, run it, report errors, and go on; only Ctrl-D, end of input or `quit` end it.
public final class REPL {
  /// The primary prompt.
  public static let prompt = "ddcal> "
  /// The prompt for the further lines of an incomplete entry (open bracket, string or block).
  public static let continuationPrompt = "   ..> "

  /// How entries are named in diagnostics.
  public enum Naming {
    /// `<repl:N>`, lines counted from 1 within each entry: the interactive shell.
    case numberedEntries
    /// One file name with lines counted through the whole input: scripted transcripts.
    case file(String)
  }

  private let runner: Runner
  private let reader: LineReader
  private let naming: Naming
  private var entries = 0
  private var linesRead = 0

  /// A loop running `reader`'s lines through `runner`.
  public init(runner: Runner, reader: LineReader, naming: Naming = .numberedEntries) {
    self.runner = runner
    self.reader = reader
    self.naming = naming
  }

  /// Runs until end of input or `quit`.
  /// - Returns: the exit status: `quit`'s, else 0.
  public func run() -> Int32 {
    while let (source, parsed) = readEntry() {
      if case .exit(let status) = runner.run(parsed, source: source) { return status }
    }
    return 0
  }

  /// Reads lines until they form a complete entry; nil at end of input.
  private func readEntry() -> (Source, ParseResult)? {
    var text = ""
    var firstLine = linesRead + 1
    let entry = entries + 1
    defer { entries = entry }
    while true {
      let input = reader.readLine(prompt: text.isEmpty ? Self.prompt : Self.continuationPrompt)
      switch input {
      case .end:
        // An unfinished entry is run anyway so its "expected ']'" error is reported.
        return text.isEmpty ? nil : parse(text, firstLine: firstLine, entry: entry)
      case .interrupt:
        text = ""
        firstLine = linesRead + 1
      case .line(let line):
        linesRead += 1
        if text.isEmpty && Self.isBlank(line) {
          firstLine = linesRead + 1
          continue
        }
        reader.addHistory(line)
        text = text.isEmpty ? line : text + "\n" + line
        let (source, parsed) = parse(text, firstLine: firstLine, entry: entry)
        if !parsed.isIncomplete { return (source, parsed) }
      }
    }
  }

  private func parse(_ text: String, firstLine: Int, entry: Int) -> (Source, ParseResult) {
    let source: Source
    switch naming {
    case .numberedEntries:
      source = Source(name: "<repl:\(entry)>", text: text)
    case .file(let name):
      source = Source(name: name, text: text, firstLine: firstLine)
    }
    return (source, Parser.parse(source))
  }

  private static func isBlank(_ line: String) -> Bool {
    line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
  }
}

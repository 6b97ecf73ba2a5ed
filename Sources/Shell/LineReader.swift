/// What reading one line produced.
public enum LineInput: Equatable, Sendable {
  /// A line of text, without its newline.
  case line(String)
  /// Ctrl-C at the prompt: discard the pending entry.
  case interrupt
  /// Ctrl-D or end of input.
  case end
}

/// A source of input lines for the REPL: the terminal (`EditLineReader`) or a script
/// (`ScriptedLineReader`, used by tests so no TTY is needed).
public protocol LineReader: AnyObject {
  /// Shows `prompt` (if interactive) and reads one line.
  func readLine(prompt: String) -> LineInput
  /// Remembers a non-empty line for history recall.
  func addHistory(_ line: String)
}

/// Feeds the lines of a text to the REPL, as if typed.
public final class ScriptedLineReader: LineReader {
  private var lines: [String]
  private var next = 0
  /// The prompts shown so far, in order (tests check continuation prompts with this).
  public private(set) var prompts: [String] = []
  /// Lines handed to `addHistory`.
  public private(set) var history: [String] = []

  /// A reader over the lines of `text`. A trailing newline does not add an empty line.
  public init(text: String) {
    var split = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if split.last == "" { split.removeLast() }
    lines = split
  }

  /// The next line, or `.end` after the last.
  public func readLine(prompt: String) -> LineInput {
    prompts.append(prompt)
    guard next < lines.count else { return .end }
    defer { next += 1 }
    return .line(lines[next])
  }

  /// Records the line.
  public func addHistory(_ line: String) {
    history.append(line)
  }
}

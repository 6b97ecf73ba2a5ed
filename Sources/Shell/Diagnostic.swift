/// A located error: a `ShellError`, where it happened, and any notes (clang's layout).
public struct Diagnostic: Error, Sendable {
  /// What went wrong.
  public var error: ShellError
  /// The culprit, underlined when rendered.
  public var range: SourceRange
  /// Extra context, such as the bracket an unclosed list was opened with.
  public var notes: [Note]
  /// True when parsing failed only because input ended (an open bracket or string): the REPL
  /// then asks for another line instead of reporting (Lua's `<eof>` check).
  public var isAtEndOfInput: Bool

  /// Creates a diagnostic.
  public init(
    _ error: ShellError, at range: SourceRange, notes: [Note] = [], isAtEndOfInput: Bool = false
  ) {
    self.error = error
    self.range = range
    self.notes = notes
    self.isAtEndOfInput = isAtEndOfInput
  }

  /// A secondary message, optionally pointing at its own range.
  public struct Note: Sendable {
    /// The note's text.
    public var message: String
    /// Where it points, if anywhere.
    public var range: SourceRange?

    /// Creates a note.
    public init(_ message: String, at range: SourceRange? = nil) {
      self.message = message
      self.range = range
    }
  }
}

/// Renders diagnostics as text: the one place errors become words on the screen.
///
/// ```
/// <repl:3>:1:7: error: unknown variable or command 'fmm'; did you mean 'fm'?
/// train fmm fm.test
///       ^~~
/// ```
public struct DiagnosticRenderer {
  /// Looks up the text a range refers to, by source name.
  private let sourceNamed: (String) -> Source?

  /// A renderer that finds source lines through `sourceNamed`.
  public init(sourceNamed: @escaping (String) -> Source?) {
    self.sourceNamed = sourceNamed
  }

  /// A renderer for diagnostics about one source.
  public init(source: Source) {
    self.init(sourceNamed: { $0 == source.name ? source : nil })
  }

  /// The full text of `diagnostic`, ending with a newline.
  public func render(_ diagnostic: Diagnostic) -> String {
    if case .interrupted = diagnostic.error { return "\(diagnostic.error)\n" }
    var text = header(diagnostic.range, "error", "\(diagnostic.error)")
    text += excerpt(diagnostic.range)
    for note in diagnostic.notes {
      guard let range = note.range else {
        text += "note: \(note.message)\n"
        continue
      }
      text += header(range, "note", note.message) + excerpt(range)
    }
    return text
  }

  private func header(_ range: SourceRange, _ severity: String, _ message: String) -> String {
    "\(range.sourceName):\(range.line):\(range.column): \(severity): \(message)\n"
  }

  /// The source line and a caret/tilde underline, clipped to that line. A line longer than
  /// `maximumExcerpt` characters (a generated script's) shows only a window around the
  /// caret, its cut ends marked "…".
  private func excerpt(_ range: SourceRange) -> String {
    guard let source = sourceNamed(range.sourceName) else { return "" }
    let full = Array(source.lineText(range.line).unicodeScalars)
    let lower = full.count > Self.maximumExcerpt ? max(0, range.column - 1 - 40) : 0
    let upper = min(full.count, lower + Self.maximumExcerpt)
    let line = Array(full[lower..<upper])
    let lead: String.UnicodeScalarView.Element? = lower > 0 ? "…" : nil
    let start = max(0, range.column - 1 - lower)
    let width = max(1, min(range.length, line.count - start))
    var marker = lead == nil ? "" : " "
    for i in 0..<start {
      marker += i < line.count && line[i] == "\t" ? "\t" : " "
    }
    marker += "^" + String(repeating: "~", count: width - 1)
    var lineText = String.UnicodeScalarView()
    if let lead { lineText.append(lead) }
    lineText.append(contentsOf: line)
    if upper < full.count { lineText.append("…") }
    return String(lineText) + "\n" + marker + "\n"
  }

  /// The most characters of a source line an excerpt shows.
  static let maximumExcerpt = 160
}

/// A named piece of shell input: one REPL entry, a script file, or a `-e` argument.
///
/// Entries of a scripted session keep their place in the file (`firstLine`), so diagnostics
/// point at the physical line the user wrote.
public struct Source: Sendable, Equatable {
  /// Shown in diagnostics: `<repl:3>`, `sweep.ddc`, `<command-line>`.
  public var name: String
  /// The full text.
  public var text: String
  /// Line number of the first line of `text` (1 for a whole file).
  public var firstLine: Int

  /// Creates a source named `name`.
  public init(name: String, text: String, firstLine: Int = 1) {
    self.name = name
    self.text = text
    self.firstLine = firstLine
  }

  /// The text of the physical line `line` (numbered like `SourceRange.line`), without newline.
  public func lineText(_ line: Int) -> String {
    let index = line - firstLine
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard index >= 0, index < lines.count else { return "" }
    return String(lines[index])
  }

  /// The text covered by `range`, which must lie inside this source.
  public func text(in range: SourceRange) -> String {
    let chars = Array(text.unicodeScalars)
    let lower = max(0, min(range.offset, chars.count))
    let upper = max(lower, min(range.offset + range.length, chars.count))
    var result = String.UnicodeScalarView()
    result.append(contentsOf: chars[lower..<upper])
    return String(result)
  }
}

/// Where a token or syntax node came from: source name, line, column and length.
///
/// Columns and lengths count Unicode scalars (the unit the lexer walks), starting at 1.
/// `offset` is the scalar index of the first character in the whole source text.
public struct SourceRange: Sendable, Equatable, CustomStringConvertible {
  /// The source's name, e.g. `<repl:3>`.
  public var sourceName: String
  /// Line of the first character (absolute, see `Source.firstLine`).
  public var line: Int
  /// Column of the first character, starting at 1.
  public var column: Int
  /// Number of characters covered; 0 for a point such as end of input.
  public var length: Int
  /// Scalar index into the source text.
  public var offset: Int

  /// Creates a range.
  public init(sourceName: String, line: Int, column: Int, length: Int, offset: Int) {
    self.sourceName = sourceName
    self.line = line
    self.column = column
    self.length = length
    self.offset = offset
  }

  /// `name:line:col`.
  public var description: String { "\(sourceName):\(line):\(column)" }

  /// The range from the start of `self` to the end of `other`.
  ///
  /// When `other` starts on a later line the result keeps `self`'s line and stretches to the
  /// end of the combined text; the renderer clips the underline to the first line.
  public func through(_ other: SourceRange) -> SourceRange {
    let end = max(offset + length, other.offset + other.length)
    var merged = self
    merged.length = end - offset
    return merged
  }

  /// A zero-length range at the end of `self`.
  public var end: SourceRange {
    var point = self
    point.column += length
    point.offset += length
    point.length = 0
    return point
  }
}

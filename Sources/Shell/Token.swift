/// The kinds of token the lexer produces.
public enum TokenKind: Sendable, Equatable {
  case identifier(String)
  case integer(Int)
  case float(Double)
  case string(String)
  /// A reserved word: `true false for in and or not`.
  case keyword(Keyword)
  case punctuation(Punctuation)
  /// A line break outside brackets; statements end here.
  case newline
  case endOfInput
  /// Input the lexer could not read; the parser turns it into a diagnostic.
  case invalid(ShellError)
}

/// Reserved words.
public enum Keyword: String, Sendable, CaseIterable {
  case `true`, `false`, `for`, `in`, `and`, `or`, `not`
}

/// Operators and delimiters, spelled as the user types them.
public enum Punctuation: String, Sendable, CaseIterable {
  case leftParen = "("
  case rightParen = ")"
  case leftBracket = "["
  case rightBracket = "]"
  case leftBrace = "{"
  case rightBrace = "}"
  case comma = ","
  case dot = "."
  case semicolon = ";"
  case colon = ":"
  case assign = "="
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case plus = "+"
  case minus = "-"
  case star = "*"
  case slash = "/"
  case percent = "%"
  case caret = "^"

  /// The punctuation that closes this opener, if it is one.
  public var closer: Punctuation? {
    switch self {
    case .leftParen: return .rightParen
    case .leftBracket: return .rightBracket
    case .leftBrace: return .rightBrace
    default: return nil
    }
  }
}

/// One token with its place in the source.
public struct Token: Sendable, Equatable {
  /// What was read.
  public var kind: TokenKind
  /// Where it was read.
  public var range: SourceRange
  /// True when whitespace (or the start of a line) comes right before the token.
  ///
  /// Command arguments are separated by spaces, so spacing decides a few cases:
  /// `print x -1` passes -1 as a second argument while `x - 1` and `x-1` subtract;
  /// `xs[0]` indexes while `print xs [0]` passes a list.
  public var spaceBefore: Bool

  /// Creates a token.
  public init(kind: TokenKind, range: SourceRange, spaceBefore: Bool) {
    self.kind = kind
    self.range = range
    self.spaceBefore = spaceBefore
  }

  /// True when this token is the punctuation `p`.
  public func isPunctuation(_ p: Punctuation) -> Bool { kind == .punctuation(p) }

  /// True for `;`, a newline or the end of input.
  public var endsStatement: Bool {
    switch kind {
    case .newline, .endOfInput, .punctuation(.semicolon): return true
    default: return false
    }
  }

  /// How the token reads in a message: `'train'`, `'('`, `end of input`.
  public var quoted: String {
    switch kind {
    case .identifier(let name): return "'\(name)'"
    case .integer(let value): return "'\(value)'"
    case .float(let value): return "'\(ValueFormatter.float(value))'"
    case .string: return "string literal"
    case .keyword(let word): return "'\(word.rawValue)'"
    case .punctuation(let p): return "'\(p.rawValue)'"
    case .newline: return "end of line"
    case .endOfInput: return "end of input"
    case .invalid: return "invalid input"
    }
  }
}

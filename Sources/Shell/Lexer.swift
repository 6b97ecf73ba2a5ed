/// Splits shell input into tokens (clox's scanner, one token per call).
///
/// Newlines end statements, except inside `(...)` and `[...]`, where they are plain space so
/// long lists and sub-commands can wrap. `#` starts a comment that runs to the end of the line.
/// Problems become `.invalid` tokens; the lexer itself never fails.
public struct Lexer {
  private let scalars: [Unicode.Scalar]
  private let sourceName: String
  private var index = 0
  private var line: Int
  private var column = 1
  /// Open `(` and `[` count: newlines inside brackets are not statement ends.
  private var bracketDepth = 0

  /// A lexer positioned at the start of `source`.
  public init(_ source: Source) {
    scalars = Array(source.text.unicodeScalars)
    sourceName = source.name
    line = source.firstLine
  }

  /// All tokens of `source`, ending with `.endOfInput`.
  public static func tokenize(_ source: Source) -> [Token] {
    var lexer = Lexer(source)
    var tokens: [Token] = []
    while true {
      let token = lexer.next()
      tokens.append(token)
      if token.kind == .endOfInput { return tokens }
    }
  }

  /// The next token.
  public mutating func next() -> Token {
    let spaced = skipSpaceAndComments()
    let start = (offset: index, line: line, column: column)
    let kind = scanToken()
    let range = SourceRange(
      sourceName: sourceName, line: start.line, column: start.column,
      length: index - start.offset, offset: start.offset)
    return Token(kind: kind, range: range, spaceBefore: spaced)
  }

  // MARK: - Scanning

  private mutating func scanToken() -> TokenKind {
    guard let c = peek() else { return .endOfInput }
    if c == "\n" {
      advance()
      return .newline
    }
    if isIdentifierStart(c) { return identifier() }
    if isDigit(c) { return number() }
    if c == "\"" || c == "'" { return string(quote: c) }
    return punctuation()
  }

  /// identifier → (letter | "_") (letter | digit | "_" | "-" letter)*
  ///
  /// A hyphen between a letter or digit and a letter joins words (`fashion-mnist`), so
  /// subtracting two names needs spaces: `a - b`.
  private mutating func identifier() -> TokenKind {
    var name = ""
    while let c = peek() {
      let joinsWords =
        c == "-" && name.unicodeScalars.last.map(isAlphanumeric) == true
        && peek(1).map(isLetter) == true
      guard isIdentifierPart(c) || joinsWords else { break }
      name.unicodeScalars.append(c)
      advance()
    }
    if let keyword = Keyword(rawValue: name) { return .keyword(keyword) }
    return .identifier(name)
  }

  /// number → digits ("." digits)? (("e" | "E") ("+" | "-")? digits)?, "_" allowed in digits
  private mutating func number() -> TokenKind {
    var text = digits()
    var isFloat = false
    if peek() == ".", let next = peek(1), isDigit(next) {
      advance()
      text += "." + digits()
      isFloat = true
    }
    if let e = peek(), e == "e" || e == "E" {
      isFloat = true
      text.unicodeScalars.append(e)
      advance()
      if let sign = peek(), sign == "+" || sign == "-" {
        text.unicodeScalars.append(sign)
        advance()
      }
      let exponent = digits()
      if exponent.isEmpty { return malformed(text) }
      text += exponent
    }
    if let c = peek(), isIdentifierPart(c) { return malformed(text) }
    if !isFloat, let value = Int(text) { return .integer(value) }
    guard let value = Double(text) else { return malformed(text) }
    return .float(value)
  }

  private mutating func digits() -> String {
    var text = ""
    while let c = peek(), isDigit(c) || (c == "_" && peek(1).map(isDigit) == true) {
      if c != "_" { text.unicodeScalars.append(c) }
      advance()
    }
    return text
  }

  /// Consumes the rest of a bad number (`2x`, `1e`) so the error covers all of it.
  private mutating func malformed(_ prefix: String) -> TokenKind {
    var text = prefix
    while let c = peek(), isIdentifierPart(c) {
      text.unicodeScalars.append(c)
      advance()
    }
    return .invalid(.malformedNumber(text))
  }

  /// string → '"' char* '"' | "'" char* "'"; may span lines; escapes \n \t \r \0 \\ \" \'
  private mutating func string(quote: Unicode.Scalar) -> TokenKind {
    advance()
    var value = ""
    var badEscape: String?
    while let c = peek(), c != quote {
      advance()
      guard c == "\\" else {
        value.unicodeScalars.append(c)
        continue
      }
      guard let escaped = peek() else { break }
      advance()
      if let replacement = Self.escapes[escaped] {
        value.unicodeScalars.append(replacement)
      } else if badEscape == nil {
        badEscape = String(escaped)
      }
    }
    guard peek() == quote else { return .invalid(.unterminatedString) }
    advance()
    if let badEscape { return .invalid(.invalidEscape(badEscape)) }
    return .string(value)
  }

  private static let escapes: [Unicode.Scalar: Unicode.Scalar] = [
    "n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "\"": "\"", "'": "'",
  ]

  /// Two-character operators first, then single characters.
  private mutating func punctuation() -> TokenKind {
    if let c = peek(), let next = peek(1) {
      let pair = String(c) + String(next)
      if let p = Punctuation(rawValue: pair) {
        advance()
        advance()
        return .punctuation(p)
      }
    }
    guard let c = peek() else { return .endOfInput }
    advance()
    guard let p = Punctuation(rawValue: String(c)) else {
      return .invalid(.unexpectedCharacter(String(c)))
    }
    switch p {
    case .leftParen, .leftBracket: bracketDepth += 1
    case .rightParen, .rightBracket: bracketDepth = max(0, bracketDepth - 1)
    default: break
    }
    return .punctuation(p)
  }

  // MARK: - Characters

  /// Skips blanks, comments and (inside brackets) newlines; true if anything was skipped.
  private mutating func skipSpaceAndComments() -> Bool {
    let before = index
    while let c = peek() {
      if c == " " || c == "\t" || c == "\r" || (c == "\n" && bracketDepth > 0) {
        advance()
      } else if c == "#" {
        while let d = peek(), d != "\n" { advance() }
      } else {
        break
      }
    }
    return index > before || column == 1
  }

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    index + ahead < scalars.count ? scalars[index + ahead] : nil
  }

  private mutating func advance() {
    if scalars[index] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    index += 1
  }

  private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
  private func isLetter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic }
  private func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isLetter(c) || isDigit(c) }
  private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { isLetter(c) || c == "_" }
  private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isAlphanumeric(c) || c == "_" }
}

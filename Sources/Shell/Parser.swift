/// Parses shell input into statements: a recursive-descent parser with one function per
/// production (Lua's lparser), each opening with the rule it parses.
///
/// The complete grammar:
///
///     program     → separator* (statement (separator+ statement)*)? separator* EOF
///     separator   → ";" | NEWLINE
///     statement   → forLoop | assignment | callOrExpr
///     forLoop     → "for" IDENT "in" expression block
///     block       → "{" separator* (statement (separator+ statement)*)? separator* "}"
///     assignment  → IDENT "=" callOrExpr
///     callOrExpr  → callee argument+ | expression
///     callee      → IDENT ("." IDENT)*
///     argument    → IDENT "=" expression | expression
///     expression  → or (":" or (":" or)?)?             start:stop[:step], stop included
///     or          → and ("or" and)*
///     and         → not ("and" not)*
///     not         → "not" not | comparison
///     comparison  → sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
///     sum         → product (("+" | "-") product)*
///     product     → unary (("*" | "/" | "%") unary)*
///     unary       → "-" unary | power
///     power       → postfix ("^" unary)?
///     postfix     → primary ("." IDENT | "[" expression "]")*
///     primary     → INTEGER | FLOAT | STRING | "true" | "false" | IDENT | list
///                 | "(" callOrExpr ")"
///     list        → "[" (expression ("," expression)* ","?)? "]"
///
/// Spacing separates arguments. A call is a callee followed by something that can start an
/// argument; inside an argument list `-` with a space before and none after starts a new
/// argument (`print x -1`), and `[` always needs to touch its operand to index (`xs[0]`), so
/// `print xs [0]` passes a list. Calls inside expressions need parentheses:
/// `(eval net fm.test).accuracy`.
///
/// Lines: newlines inside `(...)` and `[...]` are ignored by the lexer, and a line ending in an
/// infix operator or `=` continues on the next, in scripts and at the prompt alike.
///
/// Errors: a statement reports its first error, then the parser skips to the next line
/// (clox's panic mode). An error at end of input is marked so the REPL can ask for more lines
/// instead of reporting it (Lua's `<eof>` check). Nesting deeper than `maximumDepth` is an
/// error, and operator and postfix chains are parsed (and evaluated) with loops, so no input
/// can exhaust the stack; a statement holds at most `maximumLinks` of them.
public struct Parser {
  var tokens: [Token]
  var current = 0
  /// True while parsing the arguments of a call, where spacing separates arguments.
  var inArguments = false
  /// Current expression nesting, bounded by `maximumDepth`.
  var depth = 0
  /// The deepest nesting of brackets and prefix operators accepted.
  static let maximumDepth = 100
  /// Operators and postfix links (`.name`, `[i]`) in the statement being parsed (a loop
  /// body's statements count on their own).
  var links = 0
  /// The most links one statement may hold. Evaluation costs no stack per link, but freeing
  /// a tree recurses along its spine (Swift releases indirect enums recursively), so the
  /// cap keeps that well inside a thread's stack: 20,000 links free in about 2 MB.
  static let maximumLinks = 20_000
  private var blockDepth = 0

  /// The statements of `source` and any syntax errors (at most one per statement).
  public static func parse(_ source: Source) -> ParseResult {
    var parser = Parser(tokens: Lexer.tokenize(source))
    return parser.program()
  }

  init(tokens: [Token]) {
    self.tokens = tokens
  }

  // MARK: - Statements

  /// program → separator* (statement (separator+ statement)*)? separator* EOF
  mutating func program() -> ParseResult {
    var statements: [Statement] = []
    var diagnostics: [Diagnostic] = []
    skipSeparators()
    while peek.kind != .endOfInput {
      do {
        let parsed = try statement()
        try endOfStatement()
        statements.append(parsed)
      } catch {
        diagnostics.append(error)
        synchronize()
      }
      skipSeparators()
    }
    return ParseResult(statements: statements, diagnostics: diagnostics)
  }

  /// statement → forLoop | assignment | callOrExpr
  mutating func statement() throws(Diagnostic) -> Statement {
    let outerLinks = links
    links = 0
    defer { links = outerLinks }
    let start = peek.range
    if peek.kind == .keyword(.for) { return try forLoop() }
    if case .identifier(let name) = peek.kind, tokens[current + 1].isPunctuation(.assign) {
      return try assignment(name)
    }
    let expr = try callOrExpr()
    if peek.isPunctuation(.assign) {
      throw Diagnostic(.invalidAssignmentTarget, at: expr.range)
    }
    return Statement(.expression(expr), start.through(previous.range))
  }

  /// forLoop → "for" IDENT "in" expression block
  private mutating func forLoop() throws(Diagnostic) -> Statement {
    let start = advance().range
    let (name, nameRange) = try identifier("loop variable name")
    try expect(.keyword(.in), "'in'")
    let sequence = try expression()
    let body = try block()
    let kind = StatementKind.forLoop(
      variable: name, variableRange: nameRange, sequence: sequence, body: body)
    return Statement(kind, start.through(previous.range))
  }

  /// block → "{" separator* (statement (separator+ statement)*)? separator* "}"
  ///
  /// Errors inside a block are thrown at once: one error per top-level statement.
  private mutating func block() throws(Diagnostic) -> [Statement] {
    guard peek.isPunctuation(.leftBrace) else {
      throw failure(expected: "'{' to start the loop body")
    }
    try descend()
    defer { depth -= 1 }
    let opener = advance()
    var body: [Statement] = []
    skipSeparators()
    while !peek.isPunctuation(.rightBrace) {
      if peek.kind == .endOfInput { throw unclosed(opener) }
      body.append(try statement())
      if !peek.isPunctuation(.rightBrace) { try endOfStatement() }
      skipSeparators()
    }
    advance()
    return body
  }

  /// assignment → IDENT "=" callOrExpr
  private mutating func assignment(_ name: String) throws(Diagnostic) -> Statement {
    let nameRange = advance().range
    advance()
    while peek.kind == .newline { advance() }
    let value = try callOrExpr()
    let kind = StatementKind.assignment(name: name, nameRange: nameRange, value: value)
    return Statement(kind, nameRange.through(previous.range))
  }

  // MARK: - Errors and recovery

  /// Requires `;`, a newline, `}` (inside a block) or the end of input.
  private mutating func endOfStatement() throws(Diagnostic) {
    if peek.endsStatement || (blockDepth > 0 && peek.isPunctuation(.rightBrace)) { return }
    var diagnostic = failure(expected: "';' or a new line")
    if case .identifier(let name) = previous.kind, canStartArgument(at: current) {
      let hint = "inside an expression, a command call needs parentheses: '(\(name) …)'"
      diagnostic.notes.append(Diagnostic.Note(hint))
    }
    throw diagnostic
  }

  /// Skips to the next line after an error (clox `synchronize`), leaving any loop body the
  /// error happened in. Lines, not `;`, are the boundary: after an unclosed bracket the rest
  /// of the line is unreliable, so one bad line reports one error.
  private mutating func synchronize() {
    while !(peek.kind == .newline && blockDepth == 0), peek.kind != .endOfInput { advance() }
    blockDepth = 0
    depth = 0
  }

  /// A diagnostic for finding the current token where `expected` should be.
  func failure(expected: String) -> Diagnostic {
    if case .invalid(let error) = peek.kind { return invalidToken(error) }
    return Diagnostic(
      .expected(expected, found: peek.quoted), at: culpritRange,
      isAtEndOfInput: peek.kind == .endOfInput)
  }

  /// The current token's range; at end of input, the point just after the last token, so
  /// the caret lands next to what is missing rather than after trailing comments.
  var culpritRange: SourceRange {
    guard peek.kind == .endOfInput, current > 0 else { return peek.range }
    return previous.range.end
  }

  /// The lexer's error for the current token; unterminated strings count as open input.
  func invalidToken(_ error: ShellError) -> Diagnostic {
    var range = peek.range
    if error == .unterminatedString {
      range.length = 1
      return Diagnostic(error, at: range, isAtEndOfInput: true)
    }
    return Diagnostic(error, at: range)
  }

  /// "expected ']' to close '['", with a note pointing at the opener (Lua's check_match).
  func unclosed(_ opener: Token) -> Diagnostic {
    if case .invalid(let error) = peek.kind { return invalidToken(error) }
    guard case .punctuation(let p) = opener.kind, let closer = p.closer else {
      return failure(expected: "a closing bracket")
    }
    let note = Diagnostic.Note("to match this '\(p.rawValue)'", at: opener.range)
    return Diagnostic(
      .unclosed(opener: p.rawValue, closer: closer.rawValue, found: peek.quoted),
      at: culpritRange, notes: [note], isAtEndOfInput: peek.kind == .endOfInput)
  }

  // MARK: - Token access

  var peek: Token { tokens[current] }
  var previous: Token { tokens[max(0, current - 1)] }

  /// The token after the current one (the end-of-input token repeats).
  var peekNext: Token { tokens[min(current + 1, tokens.count - 1)] }

  @discardableResult
  mutating func advance() -> Token {
    let token = tokens[current]
    if token.kind != .endOfInput { current += 1 }
    if token.isPunctuation(.leftBrace) { blockDepth += 1 }
    if token.isPunctuation(.rightBrace) { blockDepth = max(0, blockDepth - 1) }
    return token
  }

  mutating func expect(_ kind: TokenKind, _ description: String) throws(Diagnostic) {
    guard peek.kind == kind else { throw failure(expected: description) }
    advance()
  }

  mutating func identifier(_ description: String) throws(Diagnostic) -> (String, SourceRange) {
    guard case .identifier(let name) = peek.kind else { throw failure(expected: description) }
    return (name, advance().range)
  }

  private mutating func skipSeparators() {
    while peek.kind == .newline || peek.isPunctuation(.semicolon) { advance() }
  }
}

/// The result of parsing one source.
public struct ParseResult: Sendable {
  /// Statements that parsed cleanly, in order.
  public var statements: [Statement]
  /// Syntax errors, one per bad statement.
  public var diagnostics: [Diagnostic]

  /// True when the only problem is that input ended too early (an open bracket, string or
  /// block, or a trailing operator): the REPL shows a continuation prompt.
  public var isIncomplete: Bool {
    diagnostics.count == 1 && diagnostics[0].isAtEndOfInput
  }
}

// MARK: - Calls

extension Parser {
  /// callOrExpr → callee argument+ | expression
  mutating func callOrExpr() throws(Diagnostic) -> Expr {
    if let topic = keywordHelp() { return topic }
    guard let calleeEnd = calleeEnd() else { return try expression() }
    let start = peek.range
    let callee = try callee(through: calleeEnd)
    let saved = inArguments
    inArguments = true
    defer { inArguments = saved }
    var arguments: [CallArgument] = []
    while canStartArgument(at: current) {
      arguments.append(try argument())
    }
    return Expr(.call(Call(callee: callee, arguments: arguments)), start.through(previous.range))
  }

  /// `help KEYWORD` (`help for`, `help and`): the keyword read as a word, since a keyword
  /// cannot start an argument anywhere else.
  private mutating func keywordHelp() -> Expr? {
    guard case .identifier("help") = peek.kind, case .keyword(let word) = peekNext.kind else {
      return nil
    }
    let after = tokens[min(current + 2, tokens.count - 1)]
    guard
      after.kind == .newline || after.kind == .endOfInput || after.isPunctuation(.semicolon)
        || after.isPunctuation(.rightBrace)
    else { return nil }
    let start = advance().range
    let topic = advance().range
    let argument = CallArgument(value: Expr(.name(word.rawValue), topic))
    return Expr(
      .call(Call(callee: .command("help", range: start), arguments: [argument])),
      start.through(topic))
  }

  /// The index of the callee's last name when the tokens ahead read `IDENT ("." IDENT)*`
  /// followed by the start of an argument; nil when this is a plain expression.
  private func calleeEnd() -> Int? {
    guard case .identifier = peek.kind else { return nil }
    var end = current
    while tokens[end + 1].isPunctuation(.dot), case .identifier = tokens[end + 2].kind {
      end += 2
    }
    return canStartArgument(at: end + 1) ? end : nil
  }

  /// callee → IDENT ("." IDENT)*
  private mutating func callee(through end: Int) throws(Diagnostic) -> Callee {
    let (first, firstRange) = try identifier("command name")
    guard current < end else { return .command(first, range: firstRange) }
    var receiver = Expr(.name(first), firstRange)
    while true {
      advance()
      let (name, range) = try identifier("method name")
      if current > end { return .method(receiver: receiver, name: name, range: range) }
      try link()
      receiver = Expr(.field(receiver, name: name, nameRange: range), receiver.range.through(range))
    }
  }

  /// argument → IDENT "=" expression | expression
  private mutating func argument() throws(Diagnostic) -> CallArgument {
    if case .identifier(let label) = peek.kind, peekNext.isPunctuation(.assign) {
      let labelRange = advance().range
      advance()
      return CallArgument(label: label, labelRange: labelRange, value: try expression())
    }
    return CallArgument(value: try expression())
  }

  /// True for tokens that begin an argument: a literal, a name, `(`, a spaced `[`, or a
  /// spaced `-` glued to what follows (`-1`).
  func canStartArgument(at index: Int) -> Bool {
    let token = tokens[index]
    switch token.kind {
    case .identifier, .integer, .float, .string, .keyword(.true), .keyword(.false),
      .keyword(.not), .punctuation(.leftParen):
      return true
    case .punctuation(.leftBracket):
      return token.spaceBefore
    case .punctuation(.minus):
      return startsNegativeArgument(at: index)
    default:
      return false
    }
  }

  /// `-` with a space before and none after, as in `print x -1`.
  private func startsNegativeArgument(at index: Int) -> Bool {
    guard tokens[index].spaceBefore, index + 1 < tokens.count else { return false }
    return !tokens[index + 1].spaceBefore
  }
}

// MARK: - Operators

extension Parser {
  /// expression → or (":" or (":" or)?)?
  mutating func expression() throws(Diagnostic) -> Expr {
    try descend()
    defer { depth -= 1 }
    let start = try or()
    guard peek.isPunctuation(.colon) else { return start }
    advanceOperator()
    let stop = try or()
    var step: Expr?
    if peek.isPunctuation(.colon) {
      advanceOperator()
      step = try or()
    }
    let end = step?.range ?? stop.range
    return Expr(.range(start: start, stop: stop, step: step), start.range.through(end))
  }

  /// or → and ("or" and)*
  private mutating func or() throws(Diagnostic) -> Expr {
    var left = try and()
    while peek.kind == .keyword(.or) {
      advanceOperator()
      left = try binary(.or, left, try and())
    }
    return left
  }

  /// and → not ("and" not)*
  private mutating func and() throws(Diagnostic) -> Expr {
    var left = try not()
    while peek.kind == .keyword(.and) {
      advanceOperator()
      left = try binary(.and, left, try not())
    }
    return left
  }

  /// not → "not" not | comparison
  private mutating func not() throws(Diagnostic) -> Expr {
    guard peek.kind == .keyword(.not) else { return try comparison() }
    try descend()
    defer { depth -= 1 }
    let start = advance().range
    let operand = try not()
    return Expr(.unary(.not, operand), start.through(operand.range))
  }

  /// comparison → sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
  private mutating func comparison() throws(Diagnostic) -> Expr {
    let left = try sum()
    let comparisons: [Punctuation: BinaryOperator] = [
      .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
      .greater: .greater, .greaterEqual: .greaterEqual,
    ]
    guard case .punctuation(let p) = peek.kind, let op = comparisons[p] else { return left }
    advanceOperator()
    return try binary(op, left, try sum())
  }

  /// sum → product (("+" | "-") product)*
  private mutating func sum() throws(Diagnostic) -> Expr {
    var left = try product()
    while true {
      let op: BinaryOperator
      switch peek.kind {
      case .punctuation(.plus): op = .add
      case .punctuation(.minus) where !(inArguments && startsNegativeArgument(at: current)):
        op = .subtract
      default: return left
      }
      advanceOperator()
      left = try binary(op, left, try product())
    }
  }

  /// product → unary (("*" | "/" | "%") unary)*
  private mutating func product() throws(Diagnostic) -> Expr {
    var left = try unary()
    while true {
      let op: BinaryOperator
      switch peek.kind {
      case .punctuation(.star): op = .multiply
      case .punctuation(.slash): op = .divide
      case .punctuation(.percent): op = .modulo
      default: return left
      }
      advanceOperator()
      left = try binary(op, left, try unary())
    }
  }

  /// unary → "-" unary | power
  private mutating func unary() throws(Diagnostic) -> Expr {
    guard peek.isPunctuation(.minus) else { return try power() }
    try descend()
    defer { depth -= 1 }
    let start = advance().range
    let operand = try unary()
    return Expr(.unary(.negate, operand), start.through(operand.range))
  }

  /// power → postfix ("^" unary)?
  ///
  /// Right-associative, so `a ^ b ^ c` is a ^ (b ^ c); parsed with a loop (operands left to
  /// right, then folded from the right) so a long chain costs no stack. A `-` after `^` starts
  /// a prefix operand, which recursion bounded by `descend` handles, and ends the loop.
  private mutating func power() throws(Diagnostic) -> Expr {
    var operands = [try postfix()]
    while peek.isPunctuation(.caret) {
      advanceOperator()
      if peek.isPunctuation(.minus) {
        operands.append(try unary())
        break
      }
      operands.append(try postfix())
    }
    var expr = operands.removeLast()
    for base in operands.reversed() {
      expr = try binary(.power, base, expr)
    }
    return expr
  }

  /// Enters one more level of nesting, refusing input nested deeper than `maximumDepth`
  /// (Lua's "too many syntax levels"), so no input can exhaust the stack.
  mutating func descend() throws(Diagnostic) {
    depth += 1
    if depth > Self.maximumDepth {
      throw Diagnostic(.tooDeeplyNested(limit: Self.maximumDepth), at: peek.range)
    }
  }

  /// Consumes an infix operator and any line breaks after it: a line ending in an operator
  /// continues on the next line, in scripts and at the prompt alike.
  private mutating func advanceOperator() {
    advance()
    while peek.kind == .newline { advance() }
  }

  private mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr)
    throws(Diagnostic) -> Expr
  {
    try link()
    return Expr(.binary(op, left, right), left.range.through(right.range))
  }

  /// Counts one more operator or postfix link in the current statement. Chains are built and
  /// evaluated with loops, so their length costs no stack; the cap only bounds the size of a
  /// statement's tree (and the recursion that frees it).
  mutating func link() throws(Diagnostic) {
    links += 1
    if links > Self.maximumLinks {
      throw Diagnostic(.expressionTooLong(limit: Self.maximumLinks), at: peek.range)
    }
  }
}

// MARK: - Operands

extension Parser {
  /// postfix → primary ("." IDENT | "[" expression "]")*
  private mutating func postfix() throws(Diagnostic) -> Expr {
    var expr = try primary()
    while true {
      if peek.isPunctuation(.dot) {
        advance()
        let (name, range) = try identifier("field name after '.'")
        try link()
        expr = Expr(.field(expr, name: name, nameRange: range), expr.range.through(range))
      } else if peek.isPunctuation(.leftBracket), !peek.spaceBefore {
        let opener = advance()
        let index = try nested { (p: inout Parser) throws(Diagnostic) in try p.expression() }
        try close(opener)
        try link()
        expr = Expr(.index(expr, index), expr.range.through(previous.range))
      } else {
        return expr
      }
    }
  }

  /// primary → INTEGER | FLOAT | STRING | "true" | "false" | IDENT | list | "(" callOrExpr ")"
  private mutating func primary() throws(Diagnostic) -> Expr {
    let token = peek
    let kind: ExprKind
    switch token.kind {
    case .integer(let value): kind = .integer(value)
    case .float(let value): kind = .float(value)
    case .string(let value): kind = .string(value)
    case .keyword(.true): kind = .bool(true)
    case .keyword(.false): kind = .bool(false)
    case .identifier(let name): kind = .name(name)
    case .punctuation(.leftBracket): return try list()
    case .punctuation(.leftParen): return try group()
    default: throw failure(expected: "an expression")
    }
    advance()
    return Expr(kind, token.range)
  }

  /// "(" callOrExpr ")"
  private mutating func group() throws(Diagnostic) -> Expr {
    let opener = advance()
    if peek.kind == .endOfInput { throw unclosed(opener) }
    var inner = try nested { (p: inout Parser) throws(Diagnostic) in try p.callOrExpr() }
    try close(opener)
    inner.range = opener.range.through(previous.range)
    return inner
  }

  /// list → "[" (expression ("," expression)* ","?)? "]"
  private mutating func list() throws(Diagnostic) -> Expr {
    let opener = advance()
    var elements: [Expr] = []
    while !peek.isPunctuation(.rightBracket) {
      if peek.kind == .endOfInput { throw unclosed(opener) }
      elements.append(try nested { (p: inout Parser) throws(Diagnostic) in try p.expression() })
      guard peek.isPunctuation(.comma) else { break }
      advance()
    }
    try close(opener)
    return Expr(.list(elements), opener.range.through(previous.range))
  }

  /// Consumes the closer matching `opener`, or reports it unclosed.
  private mutating func close(_ opener: Token) throws(Diagnostic) {
    guard case .punctuation(let p) = opener.kind, let closer = p.closer,
      peek.isPunctuation(closer)
    else { throw unclosed(opener) }
    advance()
  }

  /// Runs `body` with spacing rules off: inside brackets, spaces never separate arguments.
  private mutating func nested(
    _ body: (inout Parser) throws(Diagnostic) -> Expr
  ) throws(Diagnostic) -> Expr {
    let saved = inArguments
    inArguments = false
    defer { inArguments = saved }
    return try body(&self)
  }
}

// MARK: - Chains

/// Operator and postfix chains evaluated with loops instead of recursion.
///
/// The parser builds `1 + 2 + … + n` as a left-leaning tree n levels deep, `x.a.b…` and
/// `xs[0][0]…` likewise, and `a ^ b ^ … ^ z` as a right-leaning one. Walking such a spine
/// into an array and folding it keeps the host stack flat however long the chain (a script
/// line of thousands of terms must not overflow it); only brackets and prefix operators nest
/// by recursion, and the parser bounds those (`Parser.maximumDepth`).
extension Interpreter {
  /// A left-associative binary chain: the leftmost operand, then each operator and its right
  /// operand from the inside out. `and`/`or` still short-circuit.
  func binaryChain(_ expr: Expr) throws -> Value {
    var spine: [Expr] = []
    var node = expr
    while case .binary(let op, let lhs, _) = node.kind, op != .power {
      spine.append(node)
      node = lhs
    }
    var value = try evaluate(node)
    for parent in spine.reversed() {
      guard case .binary(let op, let lhs, let rhs) = parent.kind else { continue }
      value = try apply(op, value, lhs, rhs, parent.range)
    }
    return value
  }

  /// `a ^ b ^ … ^ z` = a ^ (b ^ (… ^ z)): the operands left to right (the order recursion
  /// would evaluate them in), then the powers from the right.
  func powerChain(_ expr: Expr) throws -> Value {
    var links: [(base: Value, range: SourceRange)] = []
    var node = expr
    while case .binary(.power, let base, let exponent) = node.kind {
      links.append((try evaluate(base), node.range))
      node = exponent
    }
    var value = try evaluate(node)
    for link in links.reversed() {
      let exponent = value
      value = try located(at: link.range) { try Operators.binary(.power, link.base, exponent) }
    }
    return value
  }

  /// `base.name`, `base[index]` chains: the innermost base, then each field or index.
  func postfixChain(_ expr: Expr) throws -> Value {
    var spine: [Expr] = []
    var node = expr
    while true {
      switch node.kind {
      case .field(let base, _, _), .index(let base, _):
        spine.append(node)
        node = base
        continue
      default:
        break
      }
      break
    }
    var value = try evaluate(node)
    for link in spine.reversed() {
      switch link.kind {
      case .field(_, let name, let nameRange):
        value = try field(name, of: value, at: nameRange)
      case .index(_, let index):
        let position = try evaluate(index)
        let container = value
        value = try located(at: link.range) {
          try BuiltinMembers.element(of: container, at: position)
        }
      default:
        continue
      }
    }
    return value
  }

  /// One binary operation whose left operand is already evaluated; `and`/`or` short-circuit,
  /// everything else evaluates the right operand first.
  private func apply(
    _ op: BinaryOperator, _ left: Value, _ lhs: Expr, _ rhs: Expr, _ range: SourceRange
  ) throws -> Value {
    if op == .and || op == .or {
      guard case .bool(let flag) = left else {
        throw Diagnostic(Operators.logicError(op, left), at: lhs.range)
      }
      if (op == .and && !flag) || (op == .or && flag) { return left }
      let right = try evaluate(rhs)
      guard case .bool = right else {
        throw Diagnostic(Operators.logicError(op, right), at: rhs.range)
      }
      return right
    }
    let right = try evaluate(rhs)
    return try located(at: range) { try Operators.binary(op, left, right) }
  }
}

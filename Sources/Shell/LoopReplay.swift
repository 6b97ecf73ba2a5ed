/// Where a statement stood inside one `for` loop when it failed: the loop's items, the pass
/// and the body statement running (nil while binding the item, before the body).
struct LoopPosition {
  var items: [Value]
  var pass: Int
  var statement: Int?
}

/// session.ddc's text for a `for` loop that failed part-way, so a replay reaches the state the
/// loop left: the completed passes as a loop over their items written as literals, then the
/// failing pass unrolled — the item bound, the body statements that ran, and the failing
/// statement rewritten as its command asked (`train … steps=41`), or left out.
///
/// Items are written as literals (numbers, strings, lists of them) because the live loop
/// evaluated its sequence once, before any pass; re-evaluating it in the replay could draw other
/// random numbers or see variables the body changed. Objects (models, datasets) are written as
/// their element's text in a list display (`[net_a, net_b]`); a loop over any other sequence
/// of objects is not rewritten.
enum LoopReplay {
  /// The replay lines, with `rewritten` false when the innermost failing statement is left out
  /// (the caller then restores the random-stream count); nil when an item has no literal.
  static func lines(
    _ statement: Statement, _ positions: ArraySlice<LoopPosition>, source: Source,
    edit: ReplayEdit?
  ) -> (lines: [String], rewritten: Bool)? {
    guard case .forLoop(let variable, _, let sequence, let body) = statement.kind,
      let position = positions.first, position.pass < position.items.count
    else { return nil }
    // An item without a literal (a model, a dataset) is written as its element's text when
    // the sequence is a list display: `for d in [a, b]` replays `d = b`.
    var elements: [Expr]? = nil
    if case .list(let exprs) = sequence.kind, exprs.count == position.items.count {
      elements = exprs
    }
    func text(_ k: Int) -> String? {
      literal(position.items[k]) ?? elements.map { source.text(in: $0[k].range) }
    }
    var lines: [String] = []
    if position.pass > 0 {
      let done = (0..<position.pass).map(text)
      guard done.allSatisfy({ $0 != nil }) else { return nil }
      lines.append(
        replacing(
          sequence.range, in: statement.range, of: source,
          with: "[" + done.map { $0! }.joined(separator: ", ") + "]"))
    }
    guard let item = text(position.pass) else { return nil }
    lines.append("\(variable) = \(item)")
    guard let index = position.statement, index < body.count else { return (lines, true) }
    lines += body[..<index].map { source.text(in: $0.range) }
    let failing = body[index]
    if case .forLoop = failing.kind, positions.count > 1 {
      guard
        let inner = Self.lines(
          failing, positions.dropFirst(), source: source, edit: edit)
      else { return nil }
      return (lines + inner.lines, inner.rewritten)
    }
    if let rewritten = edit?.apply(to: failing, text: source.text(in: failing.range)) {
      return (lines + [rewritten], true)
    }
    return (lines, false)
  }

  /// `value` as source text that evaluates to it again, or nil (objects, tensors, NaN, ±inf).
  static func literal(_ value: Value) -> String? {
    switch value {
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return "\(number)"
    case .float(let number): return number.isFinite ? ValueFormatter.float(number) : nil
    case .string(let text): return ValueFormatter.quoted(text)
    case .list(let items):
      let parts = items.map(literal)
      guard parts.allSatisfy({ $0 != nil }) else { return nil }
      return "[" + parts.map { $0! }.joined(separator: ", ") + "]"
    case .none, .range, .tensor, .object: return nil
    }
  }

  /// The text of `outer` with the part covered by `inner` replaced.
  static func replacing(
    _ inner: SourceRange, in outer: SourceRange, of source: Source, with text: String
  ) -> String {
    var scalars = Array(source.text(in: outer).unicodeScalars)
    let lower = inner.offset - outer.offset
    let upper = lower + inner.length
    guard lower >= 0, upper <= scalars.count else { return source.text(in: outer) }
    scalars.replaceSubrange(lower..<upper, with: text.unicodeScalars)
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars)
    return String(result)
  }
}

import Shell
import Testing

extension ShellTestSuite {
  @Suite struct ParserTests {
    /// Parses `text` and renders its statements as S-expressions.
    static func tree(_ text: String) -> String {
      let result = Parser.parse(Source(name: "t", text: text))
      if let first = result.diagnostics.first { return "error: \(first.error)" }
      return result.statements.map(render).joined(separator: " ")
    }

    static func render(_ statement: Statement) -> String {
      switch statement.kind {
      case .expression(let expr): return render(expr)
      case .assignment(let name, _, let value): return "(= \(name) \(render(value)))"
      case .forLoop(let variable, _, let sequence, let body):
        return "(for \(variable) \(render(sequence)) \(body.map(render).joined(separator: " ")))"
      }
    }

    static func render(_ expr: Expr) -> String {
      switch expr.kind {
      case .integer(let n): return "\(n)"
      case .float(let x): return "\(x)"
      case .string(let s): return "\"\(s)\""
      case .bool(let b): return "\(b)"
      case .name(let n): return n
      case .list(let items): return "[" + items.map(render).joined(separator: " ") + "]"
      case .range(let a, let b, let c):
        return "(: \(render(a)) \(render(b))\(c.map { " " + render($0) } ?? ""))"
      case .field(let base, let name, _): return "(. \(render(base)) \(name))"
      case .index(let base, let index): return "(@ \(render(base)) \(render(index)))"
      case .unary(let op, let x): return "(\(op.rawValue) \(render(x)))"
      case .binary(let op, let a, let b): return "(\(op.rawValue) \(render(a)) \(render(b)))"
      case .call(let call):
        let head: String
        switch call.callee {
        case .command(let name, _): head = name
        case .method(let receiver, let name, _): head = "\(render(receiver)):\(name)"
        }
        let args = call.arguments.map { ($0.label.map { $0 + "=" } ?? "") + render($0.value) }
        return "(call \(([head] + args).joined(separator: " ")))"
      }
    }

    // MARK: - Grammar

    @Test(arguments: [
      ("1 + 2 * 3", "(+ 1 (* 2 3))"),
      ("-2 ^ 2", "(- (^ 2 2))"),
      ("2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"),
      ("a - b - c", "(- (- a b) c)"),
      ("not a and b or c", "(or (and (not a) b) c)"),
      ("x < 1 == true", "error: expected ';' or a new line, found '=='"),
      ("0.1:0.9:0.1", "(: 0.1 0.9 0.1)"),
      ("1:n+1", "(: 1 (+ n 1))"),
      ("xs[0].shape", "(. (@ xs 0) shape)"),
      ("[1, [2, 3],]", "[1 [2 3]]"),
      ("(eval net fm.test).accuracy", "(. (call eval net (. fm test)) accuracy)"),
      ("x = 1 +\n  2", "(= x (+ 1 2))"),
    ])
    func expressions(_ input: String, _ expected: String) {
      #expect(Self.tree(input) == expected)
    }

    @Test(arguments: [
      (
        "train net fm.train epochs=5 lr=0.01",
        "(call train net (. fm train) epochs=5 lr=0.01)"
      ),
      (
        "sub = fm.train.sample per_class=10 seed=1",
        "(= sub (call (. fm train):sample per_class=10 seed=1))"
      ),
      ("print x -1", "(call print x (- 1))"),
      ("print x - 1", "(call print (- x 1))"),
      ("print x-1", "(call print (- x 1))"),
      ("print xs [1]", "(call print xs [1])"),
      ("print xs[1]", "(call print (@ xs 1))"),
      ("train net epochs = 2 * 3", "(call train net epochs=(* 2 3))"),
      ("print (1)", "(call print 1)"),
      ("help", "help"),
      ("a; b\nc", "a b c"),
      (
        "for lr in [0.1, 0.2] { train net lr=lr; print lr }",
        "(for lr [0.1 0.2] (call train net lr=lr) (call print lr))"
      ),
      ("for i in 1:3 {\n  print i\n}", "(for i (: 1 3) (call print i))"),
    ])
    func statements(_ input: String, _ expected: String) {
      #expect(Self.tree(input) == expected)
    }

    // MARK: - Incomplete input and recovery

    @Test(arguments: [
      ("x = [1, 2", true), ("print \"abc", true), ("for i in 1:3 {", true), ("x = 1 +", true),
      ("(eval net", true), ("x = [1, 2]", false), ("x = ]", false), ("1 2 [", false),
      ("x = (1; 2", false),
    ])
    func incompleteInput(_ input: String, _ incomplete: Bool) {
      #expect(Parser.parse(Source(name: "t", text: input)).isIncomplete == incomplete)
    }

    @Test func oneErrorPerLine() {
      let result = Parser.parse(Source(name: "t", text: "1 2 3 4\nx = = =\nok\n) ) )"))
      #expect(result.diagnostics.map(\.range.line) == [1, 2, 4])
      #expect(result.statements.count == 1)
    }

    @Test func statementRangesCoverTheirText() {
      let source = Source(name: "t", text: "a = 1;  train net  epochs=2 # c\n")
      let result = Parser.parse(source)
      #expect(
        result.statements.map { source.text(in: $0.range) } == ["a = 1", "train net  epochs=2"])
    }

    @Test func callInsideExpressionGetsAHint() {
      let result = Parser.parse(Source(name: "t", text: "x = 1 + tensor [1]"))
      #expect(result.diagnostics.first?.notes.first?.message.contains("parentheses") == true)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
      for text in [
        String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150),
        String(repeating: "[", count: 150), String(repeating: "- ", count: 150) + "1",
        String(repeating: "for i in [1] { ", count: 150),
      ] {
        let result = Parser.parse(Source(name: "t", text: text))
        #expect(result.diagnostics.first?.error == .tooDeeplyNested(limit: 100))
      }
      #expect(
        Parser.parse(
          Source(
            name: "t",
            text: String(repeating: "(", count: 90) + "1"
              + String(repeating: ")", count: 90))
        ).diagnostics.isEmpty)
    }

    @Test func chainsParseWithoutRecursion() {
      let powers = "x = " + Array(repeating: "2", count: 3000).joined(separator: " ^ ")
      let result = Parser.parse(Source(name: "p", text: powers))
      #expect(result.diagnostics.isEmpty)
      let mixed = Parser.parse(Source(name: "p", text: "x = 2 ^ -3 ^ 2"))
      #expect(mixed.diagnostics.isEmpty)
    }

    @Test func statementsHoldAtMostTheLinkLimit() {
      let long = "x = 1" + String(repeating: " + 1", count: 20_001)
      let result = Parser.parse(Source(name: "p", text: long + "\nprint 1"))
      #expect(result.diagnostics.count == 1)
      #expect("\(result.diagnostics[0].error)".contains("more than 20000 operators"))
      #expect(result.statements.count == 1)
      let body = "for i in 1:2 {\n" + String(repeating: "y = 1 + 1 + 1\n", count: 8000) + "}"
      #expect(Parser.parse(Source(name: "p", text: body)).diagnostics.isEmpty)
    }
  }
}

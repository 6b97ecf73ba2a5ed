import Shell
import Testing

extension ShellTestSuite {
  /// Operator and postfix chains evaluated with loops keep the semantics of the recursive
  /// evaluation: associativity, evaluation order, short-circuits and error locations.
  @Suite struct InterpreterChainsTests {
    @Test(arguments: [
      ("1 - 2 - 3", "-4"), ("2 ^ 3 ^ 2", "512"), ("2 ^ -1", "0.5"), ("-2 ^ 2", "-4"),
      ("2 * 3 + 4 * 5 - 6 / 3", "24.0"), ("true or 1 / 0 > 1", "true"),
      ("false and nope", "false"), ("1 < 2 and 2 < 3 or false", "true"),
      ("[[1, 2], [3]][0][1]", "2"), ("(1:5).list.count + [1, 2].count", "7"),
      ("\"a\" + \"b\" + \"c\"", "\"abc\""),
    ])
    func chainsKeepTheirMeaning(_ expression: String, _ expected: String) {
      let value = Harness().script("x = \(expression)\nx")
      #expect(value.outcome == .success, "\(value.err)")
      #expect(value.out == expected + "\n", "\(expression)")
    }

    @Test func errorsPointAtTheFailingLink() {
      let division = Harness().script("x = 1 + 2 + 3 / 0 + 4", name: "c")
      #expect(division.err.hasPrefix("c:1:13: error: division by zero"), "\(division.err)")
      let field = Harness().script("xs = [1]\ny = xs.count.nope", name: "c")
      #expect(field.err.hasPrefix("c:2:14: error: int has no field 'nope'"), "\(field.err)")
      let logic = Harness().script("x = true and 1", name: "c")
      #expect(logic.err.hasPrefix("c:1:14: error:"), "\(logic.err)")
    }

    @Test func longChainsRunInProcess() {
      let harness = Harness()
      let sum = "x = " + Array(repeating: "1", count: 3000).joined(separator: " + ")
      let powers = "y = " + Array(repeating: "1", count: 3000).joined(separator: " ^ ")
      let result = harness.script(sum + "\n" + powers + "\nprint x y")
      #expect(result.out == "3000 1\n", "\(result.err.prefix(200))")
    }
  }
}

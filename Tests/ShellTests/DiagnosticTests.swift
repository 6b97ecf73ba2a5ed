import Testing

@testable import Shell

extension ShellTestSuite {
  /// Table-driven rendered diagnostics (argument-parser's ErrorMessageTests): input typed at
  /// the prompt as entry `<repl:1>`, and the exact text printed. `fm` is the real
  /// Fashion-MNIST; `ctrlC` presses Ctrl-C after that many progress updates of the input.
  @Suite struct DiagnosticTests {
    struct Case: CustomTestStringConvertible {
      var id: String
      var setup: String = ""
      var input: String
      var ctrlC: Int? = nil
      var expected: String
      var testDescription: String { id }
    }

    static let tinyNet =
      "sub = fm.train.sample per_class=2 seed=1\nnet = convnet sub width=4 depth=1 seed=0"

    static let cases: [Case] = [
      Case(
        id: "unknown command", input: "trian net fm.train",
        expected: """
          <repl:1>:1:1: error: unknown command 'trian'; did you mean 'train'?
          trian net fm.train
          ^~~~~

          """),
      Case(
        id: "unknown variable", input: "convnet fmm depth=3",
        expected: """
          <repl:1>:1:9: error: unknown variable or command 'fmm'; did you mean 'fm'?
          convnet fmm depth=3
                  ^~~

          """),
      Case(
        id: "unknown option", input: "convnet fm  dpeth=3",
        expected: """
          <repl:1>:1:13: error: 'convnet' has no option 'dpeth'; did you mean 'depth='?
          convnet fm  dpeth=3
                      ^~~~~

          """),
      Case(
        id: "wrong type", input: "convnet fm depth=\"3\"",
        expected: """
          <repl:1>:1:18: error: option 'depth' of 'convnet' expects int, got string "3"
          convnet fm depth="3"
                           ^~~

          """),
      Case(
        id: "missing argument with usage", setup: tinyNet, input: "train net",
        expected: """
          <repl:1>:1:1: error: 'train' is missing its argument 'data'
          train net
          ^~~~~~~~~
          note: usage: train MODEL DATA [epochs=INT] [lr=FLOAT] [batch=INT] [momentum=FLOAT] \
          [wd=FLOAT] [schedule=step|constant] [loss=ce|ls|focal] [smoothing=FLOAT] \
          [gamma=FLOAT] [mixup=FLOAT] [aug=STRING] [seed=INT] [steps=INT]

          """),
      Case(
        id: "invalid choice with suggestion", input: "load fashion-mnst",
        expected: """
          <repl:1>:1:6: error: invalid value 'fashion-mnst' for argument 'source' of 'load'; \
          expected one of 'fashion-mnist', 'cifar10', 'cifar100'; did you mean 'fashion-mnist'?
          load fashion-mnst
               ^~~~~~~~~~~~

          """),
      Case(
        id: "engine check points at the argument", setup: tinyNet, input: "train net sub batch=0",
        expected: """
          <repl:1>:1:21: error: invalid 'batch' for 'train': must be 1…1,048,576, not 0
          train net sub batch=0
                              ^

          """),
      Case(
        id: "dataset method argument", input: "fm.train.sample per_class=7000 seed=1",
        expected: """
          <repl:1>:1:27: error: invalid 'per_class' for 'sample': fashion-mnist/train: class 0 \
          has 6000 examples, 7000 requested
          fm.train.sample per_class=7000 seed=1
                                    ^~~~

          """),
      Case(
        id: "unclosed bracket points at both ends", input: "x = [1, 2; y",
        expected: """
          <repl:1>:1:10: error: expected ']' to close '[', found ';'
          x = [1, 2; y
                   ^
          <repl:1>:1:5: note: to match this '['
          x = [1, 2; y
              ^

          """),
      Case(
        id: "tabs keep the caret aligned", input: "\tx = 1 +* 2",
        expected:
          "<repl:1>:1:9: error: expected an expression, found '*'\n\tx = 1 +* 2\n\t       ^\n"),
      Case(
        id: "hyphen note", setup: "a = 1\nb = 2", input: "a-b",
        expected: """
          <repl:1>:1:1: error: unknown variable or command 'a-b'
          a-b
          ^~~
          note: '-' between letters joins a name; to subtract, write 'a - b'

          """),
      Case(
        id: "field on a value", input: "(1:3).lenght",
        expected: """
          <repl:1>:1:7: error: range has no field 'lenght'
          (1:3).lenght
                ^~~~~~

          """),
      Case(
        id: "operand types", input: "[1] * 2",
        expected: """
          <repl:1>:1:1: error: operator '*' cannot combine list and int
          [1] * 2
          ^~~~~~~

          """),
      Case(
        id: "command without parentheses in an expression", input: "x = 1 + zeros [2]",
        expected: """
          <repl:1>:1:15: error: expected ';' or a new line, found '['
          x = 1 + zeros [2]
                        ^
          note: inside an expression, a command call needs parentheses: '(zeros …)'

          """),
      Case(
        id: "interrupt", setup: tinyNet, input: "h = train net sub epochs=2 batch=5", ctrlC: 6,
        expected: "interrupted at epoch 2, step 3\n"),
    ]

    @Test(arguments: cases)
    func rendered(_ testCase: Case) {
      let harness = Harness.withFashionMNIST()
      if !testCase.setup.isEmpty {
        let setup = harness.script(testCase.setup)
        #expect(setup.outcome == .success, "setup: \(setup.err)")
      }
      if let steps = testCase.ctrlC { harness.pressCtrlC(afterProgressUpdates: steps) }
      let result = harness.script(testCase.input, name: "<repl:1>")
      #expect(result.err == testCase.expected)
    }

    @Test func multilineRangeIsClippedToItsFirstLine() {
      let source = Source(name: "m", text: "abc\ndef")
      let range = SourceRange(sourceName: "m", line: 1, column: 2, length: 6, offset: 1)
      let text = DiagnosticRenderer(source: source).render(Diagnostic(.divisionByZero, at: range))
      #expect(text == "m:1:2: error: division by zero\nabc\n ^~\n")
    }

    @Test func longLinesShowAWindowAroundTheCaret() {
      let text = String(repeating: "a+", count: 500) + "@" + String(repeating: "+b", count: 500)
      let source = Source(name: "w", text: text)
      let range = SourceRange(sourceName: "w", line: 1, column: 1001, length: 1, offset: 1000)
      let lines = DiagnosticRenderer(source: source)
        .render(Diagnostic(.unexpectedCharacter("@"), at: range)).split(separator: "\n")
      #expect(lines.count == 3)
      #expect(lines[1].hasPrefix("…") && lines[1].hasSuffix("…"))
      #expect(lines[1].count == DiagnosticRenderer.maximumExcerpt + 2)
      let caret = lines[2].firstIndex(of: "^").map {
        lines[2].distance(from: lines[2].startIndex, to: $0)
      }
      let at = lines[1].firstIndex(of: "@").map {
        lines[1].distance(from: lines[1].startIndex, to: $0)
      }
      #expect(caret != nil && caret == at)
    }

    @Test func everyErrorHasAMessageAndCategory() {
      let errors: [ShellError] = [
        .unexpectedCharacter("@"), .unterminatedString, .invalidEscape("q"),
        .malformedNumber("1e"), .expected("x", found: "y"),
        .unclosed(opener: "(", closer: ")", found: "end of input"), .invalidAssignmentTarget,
        .unknownVariable("v", suggestion: nil), .unknownCommand("c", suggestion: "d"),
        .unknownField(type: "t", field: "f", suggestion: nil),
        .unknownMethod(type: "t", method: "m", suggestion: nil),
        .unknownOption(command: "c", option: "o", suggestion: nil), .notACommand("n", type: "int"),
        .assignmentToCommand("c"), .typeMismatch(expected: "int", found: "float", context: "x"),
        .invalidChoice("a", context: "c", choices: ["b"], suggestion: nil),
        .missingArgument(command: "c", parameter: "p"), .tooManyArguments(command: "c", maximum: 1),
        .duplicateArgument(command: "c", parameter: "p"),
        .invalidArgument(command: "c", parameter: "p", reason: "r"),
        .invalidOperands(operator: "+", lhs: "a", rhs: "b"), .divisionByZero, .overflow,
        .indexOutOfRange(index: 3, count: 2), .invalidRange("r"),
        .commandFailed(command: "c", message: "m"), .io(path: "p", message: "m"), .failed("m"),
        .interrupted(at: "step 1"), .expressionTooLong(limit: 1),
        .overMemoryBudget(what: "w", bytes: nil, budget: 1, lower: "p"),
      ]
      for error in errors {
        #expect(!error.description.isEmpty && !error.description.contains("internal error"))
      }
      #expect(ShellError.unterminatedString.category.exitStatus == 65)
      #expect(ShellError.divisionByZero.category.exitStatus == 70)
      #expect(ShellError.interrupted(at: "").category.exitStatus == 130)
    }
  }
}

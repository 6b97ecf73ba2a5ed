import Shell
import Testing

extension ShellTestSuite {
  @Suite struct REPLTests {
    /// A reader replaying a fixed list of inputs, including Ctrl-C.
    final class Keys: LineReader {
      var inputs: [LineInput]
      var prompts: [String] = []
      init(_ inputs: [LineInput]) { self.inputs = inputs }
      func readLine(prompt: String) -> LineInput {
        prompts.append(prompt)
        return inputs.isEmpty ? .end : inputs.removeFirst()
      }
      func addHistory(_ line: String) {}
    }

    @Test func continuationPromptsAndHistory() {
      let harness = Harness()
      let reader = ScriptedLineReader(text: "xs = [1,\n\n2]\n\nprint xs\n")
      _ = REPL(runner: harness.runner, reader: reader).run()
      #expect(reader.prompts == ["ddcal> ", "   ..> ", "   ..> ", "ddcal> ", "ddcal> ", "ddcal> "])
      #expect(reader.history == ["xs = [1,", "", "2]", "print xs"])
    }

    @Test func ctrlCDiscardsAPendingEntryAndTheLoopGoesOn() {
      let harness = Harness()
      let keys = Keys([
        .line("x = [1,"), .interrupt, .line("print 5"), .interrupt, .line("print 6"),
      ])
      let status = REPL(runner: harness.runner, reader: keys).run()
      #expect(status == 0)
      #expect(keys.prompts == ["ddcal> ", "   ..> ", "ddcal> ", "ddcal> ", "ddcal> ", "ddcal> "])
      #expect(harness.interpreter.environment["x"] == nil)
    }

    @Test func entriesAreNumbered() {
      let harness = Harness()
      let result = harness.repl("1\n[\n2\n3 +\n]\nnope")
      #expect(result.err.hasPrefix("<repl:2>:3:1: error: expected ']' to close '[', found '3'"))
      #expect(result.err.contains("<repl:3>:1:1: error: expected an expression, found ']'"))
      #expect(result.err.contains("<repl:4>:1:1: error: unknown variable or command 'nope'"))
    }

    @Test func quitEndsTheLoopWithItsStatus() {
      let harness = Harness()
      let keys = Keys([.line("quit 2"), .line("print 1")])
      #expect(REPL(runner: harness.runner, reader: keys).run() == 2)
      #expect(keys.prompts.count == 1)
    }
  }
}

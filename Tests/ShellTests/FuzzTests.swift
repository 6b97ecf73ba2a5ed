import Foundation
import Shell
import TensorCore
import Testing

extension ShellTestSuite {
  /// Feeds thousands of generated and mutated lines to the interpreter (seeded, so failures
  /// reproduce): nothing may crash, every failure must print a diagnostic, and every success
  /// must print none. The engine commands are the real ones; `fm` is a 20-image sample of
  /// Fashion-MNIST so that whatever a mutation asks to train or evaluate stays quick.
  @Suite struct FuzzTests {
    static let vocabulary = [
      "x", "y", "fm", "net", "r", "xs", "t", "train", "eval", "load", "convnet", "print", "help",
      "vars", "del", "seed", "echo", "tensor", "zeros", "randn", "for", "in", "and", "or", "not",
      "true", "false", "mnist", "fm.train", "fm.test", ".sample", "epochs=", "lr=", "depth=",
      "per_class=", "loss=", "focal", "batch=", "width=", ".split", "0", "1", "-1", "2.5", "1e3",
      "7", "\"s\"", "\"a b\"",
      "'q", "[", "]", "(", ")", "{", "}", ",", ";", ":", "=", "==", "+", "-", "*", "/", "%", "^",
      "<", ">=", ".", "#", "\n", "@", "\\", "\"", "9223372036854775807", "xs[0]", ".count",
      ".shape", "-", "1:3", "0.1:0.3:0.1",
    ]

    static let seeds = [
      "x = 1 + 2 * 3", "xs = [1, 2, 3]", "net = convnet fm depth=1 width=4",
      "h = train net fm epochs=1 batch=10 lr=0.1", "r = eval net fm", "r.accuracy",
      "sub = fm.sample per_class=1 seed=1", "for i in 1:3 { print i * 2 }",
      "t = tensor [[1, 2], [3, 4]]", "t.reshape [4]", "print xs[1] \"a\" -1", "seed 3",
      "y = (1:5).list", "z = randn [2, 2] seed=4", "help train", "del y",
    ]

    @Test func randomAndMutatedLines() {
      var random = RandomStream(seed: 20_250_101)
      let harness = Harness.withFashionMNIST()
      let setup = harness.script("fm = fm.train.sample per_class=2 seed=0")
      #expect(setup.outcome == .success, "\(setup.err)")
      for line in Self.seeds { _ = harness.script(line) }
      var failures = 0
      for index in 0..<3000 {
        let line =
          index % 2 == 0
          ? Self.generated(&random)
          : Self.mutated(Self.seeds[random.int(in: 0..<Self.seeds.count)], &random)
        let result = harness.script(line, name: "<fuzz>")
        switch result.outcome {
        case .exit:
          Issue.record("quit is not in the vocabulary: \(line.debugDescription)")
        case .success:
          #expect(
            !result.err.contains("error:"), "success printed an error for \(line.debugDescription)")
        case .failure:
          failures += 1
          let diagnosed = result.err.contains("<fuzz>:") && result.err.contains(": error: ")
          #expect(
            diagnosed || result.err.hasPrefix("interrupted"),
            "no diagnostic for \(line.debugDescription)")
        }
      }
      #expect(failures > 1000)
    }

    /// 1–12 vocabulary words joined by spaces or nothing.
    static func generated(_ random: inout RandomStream) -> String {
      let count = random.int(in: 1..<13)
      var line = ""
      for _ in 0..<count {
        line += vocabulary[random.int(in: 0..<vocabulary.count)]
        if random.nextDouble() < 0.7 { line += " " }
      }
      return line
    }

    /// `line` with 1–3 characters deleted, duplicated or replaced by vocabulary words.
    static func mutated(_ line: String, _ random: inout RandomStream) -> String {
      var characters = Array(line)
      for _ in 0..<random.int(in: 1..<4) where !characters.isEmpty {
        let at = random.int(in: 0..<characters.count)
        switch random.int(in: 0..<3) {
        case 0: characters.remove(at: at)
        case 1: characters.insert(characters[at], at: at)
        default:
          characters.replaceSubrange(
            at...at, with: Array(vocabulary[random.int(in: 0..<vocabulary.count)]))
        }
      }
      return String(characters)
    }
  }
}

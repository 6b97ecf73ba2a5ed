import Shell
import TensorCore
import Testing

extension ShellTestSuite {
  @Suite struct InterpreterTests {
    // MARK: - The extension API, as the engine will use it

    final class Counter: ShellObject {
      var count = 0
      var typeName: String { "counter" }
      var summary: String { "counter at \(count)" }
      var fieldNames: [String] { ["count"] }
      func field(_ name: String) throws -> Value? { name == "count" ? .int(count) : nil }
      var methods: [Command] {
        [
          Command(
            name: "bump", family: .core, summary: "Adds to the counter.",
            parameters: [.keyword("by", .int, default: .int(1), doc: "step")],
            example: "c.bump by=2"
          ) { context in
            guard let counter = context.receiver?.object(as: Counter.self) else { return .none }
            counter.count += try context.arguments.int("by")
            return .none
          }
        ]
      }
    }

    enum CounterCommands: CommandProvider {
      static var commands: [Command] {
        [
          Command(
            name: "counter", family: .analyze, summary: "Makes a counter.",
            parameters: [.positional("start", .int, default: .int(0), doc: "first value")],
            example: "c = counter 3"
          ) { context in
            let counter = Counter()
            counter.count = try context.arguments.int("start")
            return .object(counter)
          },
          Command(
            name: "half", family: .analyze, summary: "Returns half of a number.",
            parameters: [.positional("x", .float, doc: "the number")], example: "half 3"
          ) { context in .float(try context.arguments.float("x") / 2) },
          Command(
            name: "loud", family: .analyze, summary: "Prints a line and returns 42.",
            example: "loud"
          ) { context in
            context.output.line("computing")
            return .int(42)
          },
        ]
      }
    }

    static func harness() -> Harness {
      var registry = CommandRegistry.standard
      registry.register(CounterCommands.self)
      return Harness(registry: registry)
    }

    @Test func registeredFamilyWorksEndToEnd() {
      let harness = Self.harness()
      let result = harness.repl("c = counter 3\nc.bump by=2\nc.bump\nc.count\nc\nhalf 3\nhalf c")
      #expect(result.out == "6\ncounter at 6\n1.5\n")
      #expect(result.err.contains("argument 'x' of 'half' expects float, got counter"))
      let overview = HelpFormatter.overview(harness.interpreter.registry)
      let analysis = overview.components(separatedBy: "\nAnalysis\n").dropFirst().first ?? ""
      #expect(analysis.contains("  counter ") && analysis.contains("  half "))
    }

    @Test func laterRegistrationReplacesEarlier() {
      var registry = CommandRegistry.standard
      let before = registry.commands.count
      registry.register(
        Command(name: "quit", family: .core, summary: "replaced", example: "quit") { _ in .none })
      #expect(registry.commands.count == before)
      #expect(registry.command(named: "quit")?.summary == "replaced")
      #expect(registry.command(named: "exit") == nil)
    }

    // MARK: - Printing rules

    @Test func callsPrintTheirResultOnlyWhenSilent() {
      let harness = Self.harness()
      #expect(harness.repl("half 5").out == "2.5\n")
      #expect(harness.repl("x = half 5").out == "")
      #expect(harness.repl("print 1").out == "1\n")
      #expect(harness.repl("seed").out == "seed 0\n")
      // A command that printed something is not followed by its value; assignment keeps it.
      #expect(harness.repl("loud").out == "computing\n")
      #expect(harness.repl("x = loud\nx").out == "computing\n42\n")
      #expect(harness.repl("(loud) + 1").out == "computing\n43\n")
    }

    @Test(arguments: [
      (Value.float(6), "6.0"), (.float(0.1), "0.1"), (.float(1e-7), "1e-07"),
      (.float(.nan), "nan"), (.float(-.infinity), "-inf"), (.int(-3), "-3"),
      (.string("a\"b\n"), "\"a\\\"b\\n\""), (.bool(false), "false"), (.none, ""),
      (
        .list((1...25).map { .int($0) }),
        "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, … (25 items)]"
      ),
    ])
    func formatting(_ value: Value, _ text: String) {
      #expect(ValueFormatter.display(value) == text)
    }

    @Test func printUsesPlainStrings() {
      #expect(ValueFormatter.plain(.string("a b")) == "a b")
      #expect(ValueFormatter.bytes(3 * 1024 * 1024) == "3.0 MiB")
    }

    // MARK: - Operators

    @Test(arguments: [
      ("7 // 2", nil), ("-7 % 3", "2"), ("7 % -3", "-2"), ("7.5 % 2", "1.5"),
      ("2 ^ 62", "4611686018427387904"), ("2 ^ 63", nil), ("-(-9223372036854775807 - 1)", nil),
      ("[1, 2] == [1, 2.0]", "true"), ("[1] == [1, 2]", "false"), ("\"a\" < \"b\"", "true"),
      ("1 < \"a\"", nil), ("not 1", nil), ("1 and true", nil), ("false and 1", "false"),
      ("true or 1", "true"), ("(1:3) == [1, 2, 3]", "true"), ("3 / 2 * 2", "3.0"),
      ("(0.1:0.9:0.1)[2]", "0.3"), ("(0.7:0.1:-0.3)[2]", "0.1"),
    ])
    func operators(_ input: String, _ expected: String?) {
      let result = Self.harness().script(input)
      if let expected {
        #expect(result.out == expected + "\n", "\(input): \(result.err)")
      } else {
        #expect(result.outcome == .failure(input == "7 // 2" ? .syntax : .runtime), "\(input)")
      }
    }

    @Test func listsBuiltInALoopStayShallow() {
      let result = Self.harness().repl("x = []\nfor i in 1:100 { x = [x] }\ni")
      #expect(result.err.contains("lists nest at most 64 deep"))
      #expect(result.out == "64\n")
    }

    // MARK: - Environment and settings

    @Test func environmentKeepsBindingOrder() {
      var environment = Environment()
      environment.bind("b", to: .int(1))
      environment.bind("a", to: .int(2))
      environment.bind("b", to: .int(3))
      #expect(environment.names == ["b", "a"])
      let removed = environment.remove("b")
      let removedAgain = environment.remove("b")
      #expect(removed && !removedAgain)
      #expect(environment.names == ["a"])
    }

    @Test func echoPrintsStatementsBeforeRunning() {
      let harness = Self.harness()
      #expect(
        harness.repl("echo on\nx = 1; print x\necho off\nprint 2").out
          == "x = 1\nprint x\n1\necho off\n2\n")
    }

    @Test func quitStopsTheEntry() {
      let harness = Self.harness()
      let result = harness.script("print 1; quit 4; print 2")
      #expect(result.outcome == .exit(4))
      #expect(result.out == "1\n")
      #expect(harness.script("quit 300").err.contains("must be 0…255, not 300"))
    }

    @Test func seededStreamsAreReproducible() {
      let first = Self.harness()
      let second = Self.harness()
      let script = "a = randn [3]\nb = randn [3]\nprint a == b"
      #expect(first.repl(script).out == "false\n")
      second.repl(script)
      first.repl("seed 0\nc = randn [3]")
      #expect(first.repl("c == a").out == "true\n")
    }

    @Test func loopsStopOnInterrupt() {
      let harness = Harness.withFashionMNIST()
      let result = harness.repl(
        """
        sub = fm.train.sample per_class=2 seed=1
        net = convnet sub width=4 depth=1 seed=0
        for i in 1:5 { h = train net sub epochs=1 batch=10 }  # ctrl-c after 1 steps
        i
        """)
      #expect(result.err == "interrupted at epoch 1, step 2\n")
      #expect(result.out == "1\n")
      // The interrupted assignment inside the loop still binds the partial history.
      #expect(harness.interpreter.environment["h"] != nil)
    }

    @Test func interruptedTrainingKeepsAUsableModel() {
      let harness = Harness.withFashionMNIST()
      harness.script("sub = fm.train.sample per_class=2 seed=1\nnet = convnet sub width=4 depth=1")
      let before = harness.progressUpdates
      harness.pressCtrlC(afterProgressUpdates: 5)
      let stopped = harness.script("h = train net sub epochs=4 batch=4")
      #expect(stopped.outcome == .failure(.interrupt))
      #expect(stopped.err == "interrupted at epoch 2, step 1\n")
      #expect(harness.progressUpdates - before == 5)
      let after = harness.script(
        "r = eval net sub; print r.count; h = train net sub epochs=1 batch=4")
      #expect(after.outcome == .success, "\(after.err)")
      #expect(after.out == "20\n")
    }

    /// Ctrl-C reaches inference loops that take no shouldStop (MTS fits, sweeps, max logits):
    /// the command ends as interrupted, named, and the shell goes on.
    @Test func ctrlCStopsInferenceBelowTheShell() throws {
      let harness = Harness.withFashionMNIST()
      harness.script("sub = fm.train.sample per_class=2 seed=1\nnet = convnet sub width=4 depth=1")
      let parsed = Parser.parse(Source(name: "t", text: "cal = calibrate net sub method=mts"))
      Interrupt.request()
      defer { Interrupt.clear() }
      do {
        try harness.interpreter.execute(try #require(parsed.statements.first))
        Issue.record("calibrate ran to the end")
      } catch let diagnostic as Diagnostic {
        #expect(diagnostic.error == .interrupted(at: "'calibrate'"))
      }
      Interrupt.clear()
      #expect(harness.script("cal = calibrate net sub method=mts").outcome == .success)
    }

    // MARK: - Help

    @Test func helpDescribesMethodsOfValues() {
      let harness = Self.harness()
      let text = harness.repl("help sample").out
      #expect(text.hasPrefix("usage: sample [per_class=INT] [seed=INT]\n"))
      #expect(text.contains("sub = fm.train.sample per_class=10 seed=1"))
      #expect(harness.repl("help sampel").err.contains("did you mean 'sample'?"))
    }

    @Test func helpShowsUsageParametersAndExample() {
      let harness = Self.harness()
      let text = harness.repl("help train").out
      #expect(
        text == """
          usage: train MODEL DATA [epochs=INT] [lr=FLOAT] [batch=INT] [momentum=FLOAT] [wd=FLOAT] \
          [schedule=step|constant] [loss=ce|ls|focal] [smoothing=FLOAT] [gamma=FLOAT] \
          [mixup=FLOAT] [aug=STRING] [seed=INT] [steps=INT]

          Trains a model with SGD (momentum, weight decay).

          The reference recipe (docs/ALGORITHMS.md §2): SGD momentum 0.9, weight decay 5e-4, batch
          256, lr ×0.1 after half the epochs (schedule=step) with the momentum reset. Train-time
          calibration baselines: loss=ls (label smoothing ε = smoothing, on log-probabilities),
          loss=focal (γ = gamma; 3 as in Mukhoti et al. 2020), mixup=α (λ ~ Beta(α, α), mixed
          before augmentation). aug= applies per-sample DSA augmentation to every batch, as the
          evaluation protocol does (aug="color_crop_cutout_flip_scale_rotate"); none by default.
          epochs=E runs exactly E passes over the data, the lr dropping after E/2 of them (the
          reference loop runs E + 1 passes; use epochs=301 to match its 300). Ctrl-C stops after
          the current step and keeps the model as trained so far (h = train … still binds the
          history of the steps taken); session.ddc then records the statement with steps=k,
          which stops at the same step, so a replay reaches the same weights. A NaN or infinite
          loss stops with the epoch and step.

          Parameters:
            model       model                    required                the network (trained in \
          place)
            data        dataset or data          required                training images
            epochs=     int 1…1,000,000          default 5       epochs  passes over the data
            lr=         float (0, 1e6]           default 0.01            learning rate
            batch=      int 1…1,048,576          default 256     images  minibatch size
            momentum=   float [0, 1)             default 0.9             SGD momentum
            wd=         float [0, 1]             default 0.0005          weight decay
            schedule=   'step' or 'constant'     default "step"          lr ×0.1 after half the \
          epochs, or constant
            loss=       'ce' or 'ls' or 'focal'  default "ce"            cross-entropy, label \
          smoothing or focal loss
            smoothing=  float [0, 1)             default 0.1             label smoothing ε \
          (loss=ls)
            gamma=      float [0, 100]           default 3.0             focal loss γ (loss=focal)
            mixup=      float [0, 1000]          default 0.0             mixup α; 0 disables mixup
            aug=        string                   default "none"          DSA strategy or "none" \
          (per batch)
            seed=       int                      optional                \
          shuffling/mixup/augmentation seed
            steps=      int ≥ 0                  optional        steps   stop after this many \
          steps of the epochs= run (its schedule unchanged)

          Example:
            train net fm.train epochs=5 lr=0.01 batch=256

          """)
      let overview = harness.repl("help").out
      let order = ["Core", "Session", "Tensors", "Data", "Models", "Training"].compactMap {
        overview.range(of: "\n\($0)\n")?.lowerBound
      }
      #expect(order.count == 6 && order == order.sorted())
      #expect(harness.repl("help quit").out.contains("Aliases: exit"))
    }
  }
}

import Datasets
import Foundation
import Testing

@testable import Shell

extension ShellTestSuite {
  /// Every command's and method's `example` runs — on tiny data, with the budgets it names
  /// (epochs, iterations, models) cut to a step or two — unless it is marked as needing files
  /// of its own; each field an object lists resolves; and no command reads a parameter it
  /// does not declare.
  @Suite struct RegistryExampleTests {
    static let entries = CommandRegistry.standard.commands + CommandRegistry.methods

    /// The variables examples use, bound to small real objects: `fm` is 12 training and
    /// 5 test images per class of the real Fashion-MNIST.
    static let setup = """
      tr = full.train.sample per_class=12 seed=1
      te = full.test.sample per_class=5 seed=2
      net = convnet tr depth=1 width=4 seed=0
      h = train net tr epochs=1 batch=40
      sub = tr.sample per_class=2 seed=3
      syn = tr.sample per_class=10 seed=4
      heldout = tr.sample per_class=1 seed=5
      cal = calibrate net syn method=mts r=0.3
      ts = calibrate net syn method=ts
      mts = cal
      net_small = net
      net_full = convnet tr depth=1 width=4 seed=1
      r = eval net te
      p = r
      rgb = dataset (randn [4, 3, 8, 8] seed=6) [0, 1, 0, 1]
      f = features net te layer=fc
      emb = tsne f perplexity=10 iterations=50 early=20 seed=0
      """

    /// Runs `body` with a fresh directory for session folders (where figures go, never the
    /// working directory), removed afterwards.
    static func withSessions<R>(_ body: (URL) throws -> R) throws -> R {
      let sessions = FileManager.default.temporaryDirectory
        .appendingPathComponent("ddcal-registry-\(UUID().uuidString.prefix(8))")
      defer { try? FileManager.default.removeItem(at: sessions) }
      return try body(sessions)
    }

    /// A harness with `fm` (a small train/test pair), `c10` (tiny RGB pair) and `setup` run,
    /// recording its session under `sessions`.
    static func harness(sessions: URL) throws -> Harness {
      let harness = Harness(sessions: sessions)
      harness.bind("full", Harness.fashionMNIST)
      let result = harness.script(setup)
      #expect(result.outcome == .success, "setup: \(result.err)")
      let env = harness.interpreter.environment
      let tr = try #require(env["tr"]?.object(as: DatasetObject.self)).dataset
      let te = try #require(env["te"]?.object(as: DatasetObject.self)).dataset
      harness.bind("fm", .object(DataSplitsObject(name: "fashion-mnist", train: tr, test: te)))
      let rgb = try #require(env["rgb"]?.object(as: DatasetObject.self)).dataset
      harness.bind("c10", .object(DataSplitsObject(name: "cifar10", train: rgb, test: rgb)))
      return harness
    }

    /// The example with its budgets cut: epochs, iterations, models and counts to 1 or 2.
    static func tiny(_ example: String) -> String {
      var text = example
      for (key, value) in [("epochs", "1"), ("iterations", "2"), ("models", "1"), ("count", "2")] {
        text = text.replacingOccurrences(
          of: "\(key)=[0-9]+", with: "\(key)=\(value)", options: .regularExpression)
      }
      return text
    }

    @Test(arguments: entries.filter { !$0.exampleNeedsFiles }.map(\.name))
    func exampleRuns(_ name: String) throws {
      let command = try #require(Self.entries.first { $0.name == name })
      try Self.withSessions { sessions in
        let harness = try Self.harness(sessions: sessions)
        let result = harness.script(Self.tiny(command.example))
        let allowed: [Runner.Outcome] = command.name == "quit" ? [.exit(0)] : [.success]
        #expect(allowed.contains(result.outcome), "\(name): \(command.example)\n\(result.err)")
        #expect(
          harness.interpreter.undeclaredReads.isEmpty, "\(harness.interpreter.undeclaredReads)")
      }
    }

    /// Every field each object lists reads without error.
    @Test func everyListedFieldResolves() throws {
      try Self.withSessions { try Self.checkEveryListedField(sessions: $0) }
    }

    static func checkEveryListedField(sessions: URL) throws {
      let harness = try Self.harness(sessions: sessions)
      let more = """
        s = sweep net syn val=heldout ratios=[0.1, 0.3]
        m = metrics net te
        ml = maxlogit net te
        e = evaluate_set sub fm models=1 epochs=1
        d = distill dm tr ipc=1 iterations=1 width=4 depth=1
        dr = distill rtp tr ipc=1 iterations=1 width=4 depth=1 syn_steps=2 batch_syn=2
        sp = svd sub
        ss = svd_sweep [sub] fm drops=[0] models=1 epochs=1 width=4
        """
      #expect(harness.script(more).outcome == .success)
      var seen: Set<String> = []
      for (name, value) in harness.interpreter.environment.bindings {
        guard case .object(let object) = value else { continue }
        seen.insert(object.typeName)
        for field in object.fieldNames {
          let read = try object.field(field)
          #expect(read != nil, "\(name).\(field) of a \(object.typeName) is listed but absent")
        }
      }
      for type in [
        "dataset", "data", "model", "history", "predictions", "sweep", "report",
        "maxlogit", "protocol", "spectrum", "svd_sweep", "embedding",
      ] {
        #expect(seen.contains(type), "no \(type) was checked")
      }
    }
  }
}

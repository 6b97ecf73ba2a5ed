import Datasets
import Foundation
import Testing

@testable import Shell

extension ShellTestSuite {
  /// `predictions` on numpy-written files against the numpy/scipy reference
  /// (Tests/CalibrationTests/Fixtures/logits, Scripts/reference/logits_reference.py), the
  /// files `save` writes for numpy, and the logit cache behind re-scoring a model.
  @Suite struct PredictionCommandTests {
    static let fixtures = TranscriptTests.logitFixtures.path

    /// The reference numbers, read without the CalibrationTests' decoder.
    static func reference() throws -> [String: Any] {
      let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/reference.json"))
      return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func number(_ harness: Harness, _ expression: String) throws -> Double {
      let result = harness.script("__v = " + expression)
      #expect(result.outcome == .success, "\(expression): \(result.err)")
      return try #require(harness.interpreter.environment["__v"]?.number)
    }

    @Test func metricsOfFloat64FilesEqualNumpyTo1e12() throws {
      let harness = Harness()
      let load =
        "p = predictions \"\(Self.fixtures)/logits_f64.npy\" \"\(Self.fixtures)/labels.npy\""
      #expect(
        harness.script(load + "\nm = metrics p\nl = metrics p bins=10 rule=left").outcome
          == .success)
      let reference = try Self.reference()
      let f64 = try #require(reference["float64"] as? [String: Any])
      let right = try #require(f64["15_right"] as? [String: Any])
      let left = try #require(f64["10_left"] as? [String: Any])
      let pairs: [(String, Any?)] = [
        ("m.ece", right["ece"]), ("m.signed_ece", right["signed_ece"]), ("m.mce", right["mce"]),
        ("l.ece", left["ece"]), ("l.mce", left["mce"]), ("m.nll", f64["nll"]),
        ("m.brier", f64["brier"]), ("m.accuracy", f64["accuracy"]),
        ("m.adaptive_ece", f64["adaptive_ece_15"]), ("m.classwise_ece", f64["classwise_ece_15"]),
      ]
      for (expression, want) in pairs {
        let expected = try #require(want as? Double)
        #expect(abs(try Self.number(harness, expression) - expected) <= 1e-12, "\(expression)")
      }
    }

    @Test func temperatureFitOnFilesEqualsScipyTo1e8() throws {
      let harness = Harness()
      let fit =
        "t = (calibrate (predictions \"\(Self.fixtures)/logits_f64.npy\" \"\(Self.fixtures)/labels.npy\")).temperature"
      #expect(harness.script(fit).outcome == .success)
      let want = try #require(try Self.reference()["temperature_float64"] as? Double)
      #expect(abs(try Self.number(harness, "t") / want - 1) <= 1e-8)
    }

    /// `save p "p.npz"` holds float64 logits, int64 labels and T for numpy; the reliability
    /// diagram from the files is a PNG, byte-identical when drawn again.
    @Test func savedPredictionsAndDiagramAreWhatNumpyAndViewersRead() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness()
      let script = """
        p = predictions "\(Self.fixtures)/logits_f64.npy" "\(Self.fixtures)/labels.npy"
        s = p.temperature 1.75
        save s "\(directory.path)/s.npz"
        plot reliability p s data=p file="\(directory.path)/a.png"
        """
      let first = harness.script(script)
      #expect(first.outcome == .failure(.runtime), "data= with predictions only is refused")
      let fixed = script.replacingOccurrences(of: " data=p", with: "")
      #expect(harness.script(fixed).outcome == .success)
      #expect(
        harness.script("plot reliability p s file=\"\(directory.path)/b.png\"").outcome == .success)
      let archive = try NPZ.read(directory.path + "/s.npz")
      let logits = try #require(archive["logits"])
      #expect(logits.descr == "<f8" && logits.shape == [2000, 10])
      #expect(logits.doubles == (try NPY.read(Self.fixtures + "/logits_f64.npy")).doubles)
      #expect(archive["labels"]?.descr == "<i8")
      #expect(archive["temperature"]?.doubles == [1.75])
      let a = try Data(contentsOf: directory.appendingPathComponent("a.png"))
      #expect(a.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
      #expect(a == (try Data(contentsOf: directory.appendingPathComponent("b.png"))))
    }

    /// Re-scoring a calibrated copy reuses the network's logits; training invalidates them.
    @Test func modelLogitsAreCachedUntilTheWeightsChange() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness.withFashionMNIST()
      let setup = """
        sub = fm.train.sample per_class=2 seed=1
        net = convnet sub depth=1 width=2 seed=0
        r = eval net sub
        """
      #expect(harness.script(setup).outcome == .success)
      let before = LogitCache.evaluations
      let reuse = """
        hot = net.temperature 0.5
        a = metrics hot sub
        b = eval (scale net T=2) sub
        plot reliability net hot data=sub file="\(directory.path)/r.png"
        """
      #expect(harness.script(reuse).outcome == .success)
      #expect(LogitCache.evaluations == before, "no network ran")
      #expect(try Self.number(harness, "a.ece") != (try Self.number(harness, "r.ece")))
      #expect(
        harness.script("train net sub epochs=1 batch=10\nr2 = eval hot sub").outcome == .success)
      #expect(LogitCache.evaluations == before + 1, "training changed the weights")
      #expect(harness.script("r2.logits == r.logits").out == "false\n")
    }

    @Test func historiesAndReportsSaveAsCSV() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness.withFashionMNIST()
      let script = """
        sub = fm.train.sample per_class=2 seed=1
        net = convnet sub depth=1 width=2 seed=0
        h = train net sub epochs=14 batch=10
        save h "\(directory.path)/h.csv"
        save (metrics net sub) "\(directory.path)/m.csv"
        h
        """
      let result = harness.script(script)
      #expect(result.outcome == .success, "\(result.err)")
      let history = try String(contentsOfFile: directory.path + "/h.csv", encoding: .utf8)
      let rows = history.split(separator: "\n")
      #expect(rows.first == "epoch,loss,accuracy,lr,seconds,images_per_second")
      #expect(rows.count == 15 && rows[1].hasPrefix("1,") && rows[14].hasPrefix("14,"))
      #expect(rows[1].split(separator: ",")[3] == "0.01")
      let report = try String(contentsOfFile: directory.path + "/m.csv", encoding: .utf8)
      #expect(report.hasPrefix("metric,value\nsamples,20\nclasses,10\n"))
      #expect(result.out.contains("(2 epochs not shown; `.table` holds every row)"))
    }
  }
}

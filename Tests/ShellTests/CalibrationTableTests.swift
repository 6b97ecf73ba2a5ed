import Calibration
import Datasets
import Foundation
import Testing

@testable import Experiments
@testable import Shell

extension ShellTestSuite {
  /// `calibration_table` and the paper-experiment options around it on tiny real data: the
  /// table's shape, shared networks, saving and loading, its plots; train/evaluate_set
  /// baselines; OOD shifts and max-probability histograms.
  @Suite struct CalibrationTableTests {
    static let setup = """
      syn = fm.train.sample per_class=4 seed=1
      te = fm.test.sample per_class=20 seed=2
      held = fm.train.sample per_class=2 seed=3
      """ + "\n"

    static func table(_ harness: Harness, _ name: String) throws -> CalibrationTableObject {
      try #require(harness.interpreter.environment[name]?.object(as: CalibrationTableObject.self))
    }

    @Test func rowsFollowMethodsRatiosAndFractionsOnSharedNetworks() throws {
      let harness = Harness.withFashionMNIST()
      let result = harness.script(
        Self.setup + """
          t = calibration_table syn te models=2 epochs=2 width=4 depth=1 methods=[raw, ts, ls, mts, mts_val, ts_split] r=[0.1, 0.3] v=[0.25, 0.5] val=held
          """)
      #expect(result.outcome == .success, "\(result.err)")
      let t = try Self.table(harness, "t")
      let labels = t.result.rows.map(\.label)
      #expect(
        labels == [
          "raw", "ts v=0.25", "ts v=0.5", "ls", "mts r=0.1 v=0.25", "mts r=0.1 v=0.5",
          "mts r=0.3 v=0.25", "mts r=0.3 v=0.5", "mts_val v=0.25", "mts_val v=0.5",
          "ts_split v=0.25", "ts_split v=0.5",
        ])
      let rows = t.result.rows
      #expect(rows.allSatisfy { $0.cells.count == 2 && $0.ipc == 4 })
      // Post-hoc methods calibrate the raw networks: same accuracy, another temperature.
      let raw = rows[0].cells.map(\.accuracy)
      for row in rows where [.ts, .mts, .mtsVal].contains(row.method) {
        #expect(row.cells.map(\.accuracy) == raw)
        #expect(row.cells.allSatisfy { $0.temperature != 1 })
      }
      #expect(rows[0].cells.allSatisfy { $0.temperature == 1 && $0.maskRatio == nil })
      #expect(
        rows.filter { $0.method == .mtsVal }.allSatisfy { row in
          row.cells.allSatisfy { $0.maskRatio.map { (0.1...0.9).contains($0) } ?? false }
        })
      #expect(t.display.contains("# over-calibration"))
    }

    @Test func sameSeedGivesTheSameTableAndIPCOneRefusesTheSplit() throws {
      let harness = Harness.withFashionMNIST()
      let script =
        Self.setup
        + "t = calibration_table syn te models=1 epochs=2 width=4 depth=1 methods=[raw, mixup, focal, mts] seed=3"
      #expect(harness.script(script).outcome == .success)
      let first = try Self.table(harness, "t").result.rows.map { $0.cells.map(\.ece) }
      #expect(harness.script(script).outcome == .success)
      #expect(try Self.table(harness, "t").result.rows.map { $0.cells.map(\.ece) } == first)
      let one = harness.script(
        "one = fm.train.sample per_class=1 seed=4\n"
          + "u = calibration_table one te models=1 epochs=1 width=4 depth=1 methods=[raw, ts_split]"
      )
      #expect(one.outcome != .success)
      #expect(one.err.contains("ts_split") && one.err.contains("methods"))
      let noVal = harness.script(
        "u = calibration_table syn te models=1 epochs=1 width=4 depth=1 methods=[mts_val]")
      #expect(noVal.err.contains("val"))
    }

    @Test func savedTableLoadsBackAndPlots() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness.withFashionMNIST()
      let d = directory.path
      let result = harness.script(
        Self.setup + """
          small = fm.train.sample per_class=2 seed=5
          t = calibration_table [syn, small] te models=2 epochs=1 width=4 depth=1 methods=[raw, ts, mts] r=[0.1, 0.5] names=["four", "two"]
          save t "\(d)/t.npz"
          save t "\(d)/t.csv"
          u = load "\(d)/t.npz"
          plot lines t x=r file="\(d)/r.png"
          plot lines t x=ipc file="\(d)/ipc.png"
          plot reliability t file="\(d)/fig1.png"
          """)
      #expect(result.outcome == .success, "\(result.err)")
      let t = try Self.table(harness, "t")
      let u = try Self.table(harness, "u")
      #expect(u.result.rows.map(\.label) == t.result.rows.map(\.label))
      #expect(
        u.result.rows.map(\.set) == ["four", "four", "four", "four", "two", "two", "two", "two"])
      #expect(
        u.result.rows.map { $0.cells.map(\.ece) } == t.result.rows.map { $0.cells.map(\.ece) })
      #expect(u.result.rows.map(\.overCalibrated) == t.result.rows.map(\.overCalibrated))
      #expect(u.display == t.display)
      let csv = try String(contentsOfFile: d + "/t.csv", encoding: .utf8)
      #expect(csv.hasPrefix("set,ipc,method,r,v,networks,ece_mean,ece_std,"))
      #expect(csv.split(separator: "\n").count == 9)
      for file in ["r.png", "ipc.png", "fig1.png"] {
        #expect(FileManager.default.fileExists(atPath: d + "/" + file), "\(file)")
      }
      let bad = harness.script("plot lines t x=v file=\"\(d)/v.png\"")
      #expect(bad.outcome == .success, "every ts/mts row has v: \(bad.err)")
    }

    /// The paper's over-calibration: a method that turns an over-confident network
    /// under-confident, counted per network and, on means, per set.
    @Test func overCalibrationCountsFlipsFromOverToUnderConfidence() throws {
      func cell(_ signed: Double) -> CalibrationCell {
        CalibrationCell(
          accuracy: 0.5, ece: abs(signed), signedECE: signed, nll: 1, temperature: 1,
          maskRatio: nil)
      }
      let logits = try LogitSet(logits: [1, 0], classCount: 2, labels: [0])
      func row(_ set: String, _ method: CalibrationMethod, _ signed: [Double]) -> CalibrationRow {
        let raw = [0.05, 0.02, -0.01]
        let flips = zip(raw, signed).filter { $0.0 > 0 && $0.1 < 0 }.count
        return CalibrationRow(
          set: set, ipc: 10, method: method, maskRatio: nil, validationFraction: nil,
          cells: signed.map(cell), firstPredictions: logits,
          overCalibrated: method == .raw ? 0 : flips)
      }
      let table = CalibrationTable(
        rows: [
          row("a", .raw, [0.05, 0.02, -0.01]), row("a", .ls, [-0.03, 0.01, -0.02]),
          row("a", .mixup, [-0.03, -0.04, -0.05]), row("b", .raw, [0.05, 0.02, -0.01]),
          row("b", .ls, [0.01, 0.01, 0.01]), row("b", .mixup, [-0.01, -0.01, 0.2]),
        ], binning: .guo)
      #expect(table.rows.map(\.overCalibrated) == [0, 1, 2, 0, 0, 2])
      #expect(table.overCalibratedSets("ls") == 1)
      #expect(table.overCalibratedSets("mixup") == 1)
      let object = CalibrationTableObject(table, testName: "test", settings: "")
      #expect(object.display.contains("ls 1, mixup 1"))
    }

    /// A fit the L-BFGS loop drives to T ≤ 0 becomes a diverged cell: left out of the means,
    /// flagged in the display, NaN in the saved file, and the diagram uses a converged network.
    @Test func divergedFitsAreLeftOutOfTheMeansAndSurviveSaving() throws {
      let logits = try LogitSet(logits: [2, 0, 0, 1], classCount: 2, labels: [0, 1])
      let good = try CalibrationTable.fitted(logits, ratio: 0.9, .guo) { 1.5 }
      let bad = try CalibrationTable.fitted(logits, ratio: 0.9, .guo) {
        throw CalibrationError.temperatureNotPositive(-3)
      }
      #expect(bad.cell.diverged && !good.cell.diverged)
      #expect(bad.cell.ece.isNaN && bad.cell.accuracy == good.cell.accuracy)
      #expect(throws: CalibrationError.self) {
        try CalibrationTable.fitted(logits, ratio: nil, .guo) {
          throw CalibrationError.empty(what: "x")
        }
      }
      let row = CalibrationRow(
        set: "s", ipc: 1, method: .mts, maskRatio: 0.9, validationFraction: 0.1,
        cells: [bad.cell, good.cell], firstPredictions: good.logits, overCalibrated: 0)
      #expect(row.statistics(\.ece).mean == good.cell.ece && row.divergedCount == 1)
      let object = CalibrationTableObject(
        CalibrationTable(rows: [row], binning: .guo), testName: "test", settings: "")
      #expect(object.display.contains("(1/2 diverged)"))
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness()
      harness.interpreter.environment.bind("t", to: .object(object))
      let path = directory.path + "/t.npz"
      let result = harness.script("save t \"\(path)\"\nu = load \"\(path)\"")
      #expect(result.outcome == .success, "\(result.err)")
      let u = try Self.table(harness, "u")
      #expect(u.result.rows[0].divergedCount == 1)
      #expect(u.result.rows[0].firstPredictions == good.logits)
      #expect(u.display == object.display)
    }

    @Test func baselinesTrainUnderTheProtocolAndOODShiftsScore() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let harness = Harness.withFashionMNIST()
      let result = harness.script(
        Self.setup + """
          a = evaluate_set syn te models=1 epochs=2 width=4 depth=1 seed=1
          b = evaluate_set syn te models=1 epochs=2 width=4 depth=1 seed=1 loss=ls smoothing=0.2
          c = evaluate_set syn te models=1 epochs=2 width=4 depth=1 seed=1 mixup=1
          net = convnet fm width=4 depth=1 seed=0
          h = train net syn epochs=2 aug="flip_rotate" seed=2
          inv = te.shift kind=invert
          rot = te.shift kind=rot90
          m = maxlogit net te versus=inv of=prob
          cal = calibrate net syn method=ts fit=parity lr=0.02
          plot hist net net data=[syn, te] r=[0, 0.2] of=prob file="\(directory.path)/h.png"
          """)
      #expect(result.outcome == .success, "\(result.err)")
      let env = harness.interpreter.environment
      let ece = { (name: String) in env[name]?.object(as: SetEvaluationObject.self)?.rows[0].ece }
      #expect(ece("a") != nil && ece("a") != ece("b") && ece("a") != ece("c"))
      let m = try #require(env["m"]?.object(as: MaxLogitObject.self))
      #expect(m.statistic == .prob)
      #expect(m.statistics.allSatisfy { $0.minimum >= 0.1 && $0.maximum <= 1 })
      // v = 0.1 of 4 per class: one image per class.
      #expect(result.out.contains("on 10 images"))
      let te = try #require(env["te"]?.object(as: DatasetObject.self)).dataset
      let inv = try #require(env["inv"]?.object(as: DatasetObject.self)).dataset
      let back = try inv.shifted(.invert)
      let error = zip(back.images.data, te.images.data).map { abs($0 - $1) }.max() ?? 1
      #expect(error < 1e-4, "inverting twice gives the images back")
      #expect(inv.labels == te.labels && inv.name.hasSuffix("(invert)"))
      let rot = try #require(env["rot"]?.object(as: DatasetObject.self)).dataset
      var again = rot
      for _ in 0..<3 { again = try again.shifted(.rot90) }
      #expect(zip(again.images.data, te.images.data).allSatisfy { abs($0 - $1) < 1e-4 })
      #expect(FileManager.default.fileExists(atPath: directory.path + "/h.png"))
    }
  }
}

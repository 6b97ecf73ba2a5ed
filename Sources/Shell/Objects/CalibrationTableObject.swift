import Calibration
import Datasets
import Experiments
import Foundation
import TensorCore

/// The result of `calibration_table`: per set and method, ECE and accuracy over networks, the
/// signed gap and the over-calibration count (paper Table 1 and its relatives).
public final class CalibrationTableObject: FieldTable {
  public let result: CalibrationTable
  /// The test set's name and the protocol settings, for the header.
  public let testName: String
  public let settings: String

  public init(_ result: CalibrationTable, testName: String, settings: String) {
    self.result = result
    self.testName = testName
    self.settings = settings
  }

  public static let typeName = "calibration_table"

  var multipleSets: Bool { result.sets.count > 1 }

  /// "DM · mts r=0.1 v=0.1" with several sets, the row label alone with one.
  func name(_ row: CalibrationRow) -> String {
    multipleSets ? "\(row.set) · \(row.label)" : row.label
  }

  public var summary: String {
    let models = result.rows.first?.cells.count ?? 0
    return "calibration table: \(result.sets.count) set(s) × \(result.labels.count) method row(s), "
      + "\(models) network(s) each, on \(testName)"
  }

  public var display: String {
    var lines = [["set", "ipc", "method", "ECE %", "acc %", "signed %", "NLL", "T", "over-cal."]]
    for row in result.rows {
      let e = row.statistics(\.ece)
      let a = row.statistics(\.accuracy)
      lines.append([
        row.set, "\(row.ipc)", row.label,
        String(format: "%.2f ± %.2f", 100 * e.mean, 100 * e.std),
        String(format: "%.2f ± %.2f", 100 * a.mean, 100 * a.std),
        String(format: "%+.2f", 100 * row.statistics(\.signedECE).mean),
        String(format: "%.3f", row.statistics(\.nll).mean),
        String(format: "%.3f", row.statistics(\.temperature).mean)
          + (row.divergedCount > 0 ? " (\(row.divergedCount)/\(row.cells.count) diverged)" : ""),
        row.method == .raw ? "-" : "\(row.overCalibrated)/\(row.cells.count)",
      ])
    }
    var text = summary + "\n" + settings + "\n" + TextTable(lines).render()
    let flips = result.labels.filter { !$0.hasPrefix("raw") }.map {
      "\($0) \(result.overCalibratedSets($0))"
    }
    text +=
      "# over-calibration (sets whose mean signed gap goes from + under raw to − under the "
      + "method): " + flips.joined(separator: ", ")
    if result.rows.contains(where: { $0.divergedCount > 0 }) {
      text +=
        "\ndiverged: the L-BFGS loop drove T to zero or below; those networks are left out of "
        + "the row's means"
    }
    return text
  }

  /// Mean of a column per row, as a list.
  func means(_ column: @escaping (CalibrationCell) -> Double) -> Value {
    .list(result.rows.map { .float($0.statistics(column).mean) })
  }

  public static var fields: [ObjectField<CalibrationTableObject>] {
    [
      ObjectField("labels") { o in .list(o.result.rows.map { .string(o.name($0)) }) },
      ObjectField("sets") { .list($0.result.sets.map { .string($0) }) },
      ObjectField("ece") { $0.means(\.ece) },
      ObjectField("ece_std") { .list($0.result.rows.map { .float($0.statistics(\.ece).std) }) },
      ObjectField("accuracy") { $0.means(\.accuracy) },
      ObjectField("signed") { $0.means(\.signedECE) },
      ObjectField("temperature") { $0.means(\.temperature) },
      ObjectField("over_calibrated") { .list($0.result.rows.map { .int($0.overCalibrated) }) },
      ObjectField("predictions") { o in
        .list(o.result.rows.map { .object(o.predictions($0)) })
      },
    ]
  }

  /// The first network's test predictions of a row, at the row's temperature.
  func predictions(_ row: CalibrationRow) -> PredictionsObject {
    PredictionsObject(row.firstPredictions, dataName: testName, source: name(row))
  }
}

extension CalibrationTableObject: TabularObject {
  var table: DataTable {
    DataTable(
      columns: [
        "set", "ipc", "method", "r", "v", "networks", "ece_mean", "ece_std", "accuracy_mean",
        "accuracy_std", "signed_ece_mean", "nll_mean", "temperature_mean", "chosen_r_mean",
        "over_calibrated",
      ],
      rows: result.rows.map { row in
        let chosen = row.cells.compactMap(\.maskRatio)
        return [
          .text(row.set), .integer(row.ipc), .text(row.method.rawValue),
          .number(row.maskRatio ?? .nan), .number(row.validationFraction ?? .nan),
          .integer(row.cells.count), .number(row.statistics(\.ece).mean),
          .number(row.statistics(\.ece).std), .number(row.statistics(\.accuracy).mean),
          .number(row.statistics(\.accuracy).std), .number(row.statistics(\.signedECE).mean),
          .number(row.statistics(\.nll).mean), .number(row.statistics(\.temperature).mean),
          .number(chosen.isEmpty ? .nan : chosen.reduce(0, +) / Double(chosen.count)),
          .integer(row.overCalibrated),
        ]
      })
  }

  /// Per-network columns ([rows, networks] float64; NaN where a method has no mask ratio, and
  /// every score of a diverged fit), the diagram network's raw test logits per row ([rows, N, K]
  /// float32), their temperatures and labels, the binning and the header, so that `load` gives
  /// the table back.
  func npzExtras() throws -> [(String, NPYArray)] {
    let rows = result.rows
    let models = rows.first?.cells.count ?? 0
    func column(_ f: (CalibrationCell) -> Double) throws -> NPYArray {
      try NPYArray(float64: rows.flatMap { $0.cells.map(f) }, shape: [rows.count, models])
    }
    let first = rows.map(\.firstPredictions)
    let n = first.first?.count ?? 0
    let k = first.first?.classCount ?? 0
    let text = Array([testName, settings].joined(separator: "\n").utf8)
    return [
      ("ddcal.table", try NPYArray(int64: [1], shape: [1])),
      (
        "ddcal.binning",
        try NPYArray(
          int64: [result.binning.binCount, result.binning.edgeRule == .leftClosed ? 1 : 0],
          shape: [2])
      ),
      ("ddcal.header", try NPYArray(uint8: text, shape: [text.count])),
      ("network.accuracy", try column(\.accuracy)), ("network.ece", try column(\.ece)),
      ("network.signed_ece", try column(\.signedECE)), ("network.nll", try column(\.nll)),
      ("network.temperature", try column(\.temperature)),
      ("network.r", try column { $0.maskRatio ?? .nan }),
      (
        "first.logits",
        try NPYArray(
          float32: first.flatMap { $0.logits.map(Float.init) }, shape: [rows.count, n, k])
      ),
      ("first.labels", try NPYArray(int64: first.first?.labels ?? [], shape: [n])),
      ("first.temperature", try NPYArray(float64: first.map(\.temperature), shape: [rows.count])),
    ]
  }
}

import Analysis
import Foundation

/// The singular values of a set of images (`svd d`).
public final class SpectrumObject: FieldTable {
  public let spectrum: Spectrum
  public let dataName: String
  /// What `ratio` accumulates: σ² (default) or σ.
  public let measure: RatioMeasure

  public init(_ spectrum: Spectrum, dataName: String, measure: RatioMeasure) {
    self.spectrum = spectrum
    self.dataName = dataName
    self.measure = measure
  }

  public static let typeName = "spectrum"

  /// How many components reach `level` of the cumulative ratio.
  func components(reaching level: Double) -> Int {
    (spectrum.cumulativeRatio(measure).firstIndex { $0 >= level } ?? spectrum.singularValues.count)
      + 1
  }

  public var summary: String {
    let s = spectrum
    return "\(dataName): \(s.singularValues.count) singular values of \(s.matrixCount) "
      + "\(s.matrixShape[0])×\(s.matrixShape[1]) matrix\(s.matrixCount == 1 ? "" : "es") (\(s.mode.rawValue)), "
      + "rank \(s.rank); \(components(reaching: 0.9)) components hold 90 % of "
      + (measure == .energy ? "Σσ²" : "Σσ")
  }

  public var display: String {
    let ratio = spectrum.cumulativeRatio(measure)
    var rows = [["component", "σ", "cumulative ratio"]]
    let shown = Set([0, 1, 2, 4, 9, 19, 49, 99, ratio.count - 1].filter { $0 < ratio.count })
    for i in shown.sorted() {
      rows.append([
        "\(i + 1)", String(format: "%.6g", spectrum.singularValues[i]), formatted(ratio[i]),
      ])
    }
    return summary + "\n" + TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  public static var fields: [ObjectField<SpectrumObject>] {
    [
      ObjectField("values") { .list($0.spectrum.singularValues.map { .float($0) }) },
      ObjectField("ratio") { .list($0.spectrum.cumulativeRatio($0.measure).map { .float($0) }) },
      ObjectField("rank") { .int($0.spectrum.rank) },
      ObjectField("mode") { .string($0.spectrum.mode.rawValue) },
      ObjectField("count") { .int($0.spectrum.singularValues.count) },
      ObjectField("top") { .float($0.spectrum.singularValues.first ?? 0) },
      ObjectField("components90") { .int($0.components(reaching: 0.9)) },
    ]
  }
}

extension SpectrumObject: TabularObject {
  var table: DataTable {
    let ratio = spectrum.cumulativeRatio(measure)
    return DataTable(
      columns: ["component", "singular_value", "cumulative_ratio"],
      rows: spectrum.singularValues.indices.map {
        [.integer($0 + 1), .number(spectrum.singularValues[$0]), .number(ratio[$0])]
      })
  }
}

/// Accuracy after dropping top singular components, per set and fraction (`svd_sweep`).
public final class SVDSweepObject: FieldTable {
  /// One (set, fraction) evaluation.
  public struct Row {
    public var set: String
    public var fraction: Double
    public var dropped: Int
    public var accuracy: Double
    public var std: Double
    public var ece: Double
  }

  public let rows: [Row]
  /// The protocol's settings, printed with the table.
  public let settings: String

  init(rows: [Row], settings: String) {
    self.rows = rows
    self.settings = settings
  }

  public static let typeName = "svd_sweep"

  /// The set names in first-seen order.
  var sets: [String] {
    var seen: [String] = []
    for row in rows where !seen.contains(row.set) { seen.append(row.set) }
    return seen
  }

  public var summary: String {
    "accuracy after dropping top singular values: \(sets.count) sets × "
      + "\(rows.count / max(sets.count, 1)) fractions (\(settings))"
  }

  public var display: String {
    var table = [["set", "drop", "components", "test acc", "± std", "ECE"]]
    for r in rows {
      table.append([
        r.set, String(format: "%.0f %%", 100 * r.fraction), "\(r.dropped)",
        String(format: "%.2f %%", 100 * r.accuracy), String(format: "%.2f", 100 * r.std),
        formatted(r.ece),
      ])
    }
    return summary + "\n" + TextTable(table).render().trimmingCharacters(in: .newlines)
  }

  public static var fields: [ObjectField<SVDSweepObject>] {
    [
      ObjectField("accuracy") { .list($0.rows.map { .float($0.accuracy) }) },
      ObjectField("std") { .list($0.rows.map { .float($0.std) }) },
      ObjectField("ece") { .list($0.rows.map { .float($0.ece) }) },
      ObjectField("drops") { .list($0.rows.map { .float($0.fraction) }) },
      ObjectField("sets") { .list($0.sets.map { .string($0) }) },
    ]
  }
}

extension SVDSweepObject: TabularObject {
  var table: DataTable {
    DataTable(
      columns: ["set", "drop", "components", "accuracy", "std", "ece"],
      rows: rows.map {
        [
          .text($0.set), .number($0.fraction), .integer($0.dropped), .number($0.accuracy),
          .number($0.std), .number($0.ece),
        ]
      })
  }
}

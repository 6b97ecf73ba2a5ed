import Calibration
import Experiments
import Foundation
import Plot

/// `plot lines t x=r|v|ipc`: what varies across a calibration table's rows.
enum TableAxis: String, ShellChoice { case r, v, ipc }

extension PlotCommands {
  /// Calibration tables among `values` replaced by the first-network predictions of each of
  /// their rows (reliability diagrams and histograms take one value per row).
  static func expandingTables(_ values: [Value]) -> [Value] {
    values.flatMap { value -> [Value] in
      guard let table = value.object(as: CalibrationTableObject.self) else { return [value] }
      return table.result.rows.map { .object(table.predictions($0)) }
    }
  }

  /// Test ECE (mean ± std over networks) against r (Fig. 8), v (Fig. 9) or the sets' IPC
  /// (Fig. 10): one curve per group of rows equal in everything but the axis.
  static func tableLines(_ object: CalibrationTableObject, _ args: Arguments, _ title: String?)
    throws -> Figure
  {
    let table = object.result
    let axis = try args.optionalChoice("x", as: TableAxis.self) ?? defaultAxis(table)
    var order: [String] = []
    var groups: [String: [(x: Double, row: CalibrationRow)]] = [:]
    for row in table.rows {
      guard let (x, key) = place(row, axis, multipleSets: object.multipleSets) else { continue }
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append((x, row))
    }
    guard !order.isEmpty else {
      throw args.invalid("x", "no row of the table varies in \(axis.rawValue)")
    }
    let series = order.map { key -> LineData in
      let points = (groups[key] ?? []).sorted { $0.x < $1.x }
      return LineData(
        key, x: points.map(\.x), y: points.map { 100 * $0.row.statistics(\.ece).mean },
        std: points.map { 100 * $0.row.statistics(\.ece).std })
    }
    let label: String
    switch axis {
    case .r: label = "mask ratio r"
    case .v: label = "validation fraction v"
    case .ipc: label = "images per class"
    }
    return try Figure.linePlot(
      [LinePanel(xLabel: label, yLabel: "test ECE (%)", series: series)],
      title: title ?? "Test ECE against \(label)")
  }

  /// The axis along which the table has most distinct values (r, then v, then IPC on ties).
  static func defaultAxis(_ table: CalibrationTable) -> TableAxis {
    let counts: [(TableAxis, Int)] = [
      (.r, Set(table.rows.compactMap(\.maskRatio)).count),
      (.v, Set(table.rows.compactMap(\.validationFraction)).count),
      (.ipc, Set(table.rows.map(\.ipc)).count),
    ]
    return counts.max { $0.1 < $1.1 }?.0 ?? .r
  }

  /// A row's position on the axis and the curve it belongs to (nil when the axis does not
  /// apply to its method).
  static func place(_ row: CalibrationRow, _ axis: TableAxis, multipleSets: Bool)
    -> (Double, String)?
  {
    let set = multipleSets ? "\(row.set) · " : ""
    let method = row.method.rawValue
    switch axis {
    case .r:
      guard let r = row.maskRatio else { return nil }
      return (r, set + method + (row.validationFraction.map { " v=\($0)" } ?? ""))
    case .v:
      guard let v = row.validationFraction else { return nil }
      return (v, set + method + (row.maskRatio.map { " r=\($0)" } ?? ""))
    case .ipc:
      var key = method
      if let r = row.maskRatio { key += " r=\(r)" }
      if let v = row.validationFraction { key += " v=\(v)" }
      return (Double(row.ipc), key)
    }
  }
}

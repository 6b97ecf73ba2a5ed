import Calibration
import Foundation

/// Formats a metric the way every table does.
func formatted(_ value: Double) -> String { String(format: "%.4f", value) }

/// Counts print as integers, everything else as `formatted`.
func formattedStatistic(_ value: Double) -> String {
  value >= 1 && value == value.rounded() && value < 1e15 ? "\(Int(value))" : formatted(value)
}

/// The ECE family of one model on one dataset (`metrics r`).
public final class ReportObject: FieldTable {
  public let report: CalibrationReport
  public let dataName: String
  public let modelName: String

  public init(_ report: CalibrationReport, dataName: String, modelName: String) {
    self.report = report
    self.dataName = dataName
    self.modelName = modelName
  }

  public static let typeName = "report"

  public var summary: String {
    String(
      format: "ece %.4f (%@), accuracy %.4f, nll %.4f on %@", report.ece, report.direction,
      report.accuracy, report.nll, dataName)
  }

  public var display: String {
    let b = report.binning
    let rule = b.edgeRule == .rightClosed ? "right-closed" : "left-closed"
    var rows = [["metric", "value"]]
    rows += report.summary.map { [$0.metric, formattedStatistic($0.value)] }
    rows.append(["direction", report.direction])
    var bins = [["bin", "count", "confidence", "accuracy", "gap"]]
    for bin in report.reliability.bins where bin.count > 0 {
      bins.append([
        String(format: "(%.3f, %.3f]", bin.lower, bin.upper), "\(bin.count)",
        formatted(bin.meanConfidence), formatted(bin.accuracy), formatted(bin.gap),
      ])
    }
    return "\(modelName) on \(dataName), \(report.sampleCount) images, \(b.binCount) \(rule) bins\n"
      + TextTable(rows).render() + "\n" + TextTable(bins).render().trimmingCharacters(in: .newlines)
  }

  public static var fields: [ObjectField<ReportObject>] {
    [
      ObjectField("ece") { .float($0.report.ece) },
      ObjectField("signed_ece") { .float($0.report.signedECE) },
      ObjectField("mce") { .float($0.report.mce) },
      ObjectField("adaptive_ece") { .float($0.report.adaptiveECE) },
      ObjectField("classwise_ece") { .float($0.report.classwiseECE) },
      ObjectField("nll") { .float($0.report.nll) },
      ObjectField("brier") { .float($0.report.brier) },
      ObjectField("accuracy") { .float($0.report.accuracy) },
      ObjectField("direction") { .string($0.report.direction) },
    ]
  }
}

/// An MTS ratio sweep (`sweep net syn val=…`).
public final class SweepObject: FieldTable {
  public let result: RatioSweepResult

  public init(_ result: RatioSweepResult) { self.result = result }

  public static let typeName = "sweep"

  public var summary: String {
    String(
      format: "selected r = %.2f, T = %.4f%@", result.selectedRatio, result.selected.temperature,
      result.selectedOnTestSet ? " (chosen on the TEST set)" : "")
  }

  public var display: String {
    var text = TextTable([RatioSweepResult.columns] + result.table).render()
    text += summary
    if let warning = result.warning { text += "\nwarning: " + warning }
    return text
  }

  public static var fields: [ObjectField<SweepObject>] {
    [
      ObjectField("r") { .float($0.result.selectedRatio) },
      ObjectField("temperature") { .float($0.result.selected.temperature) },
      ObjectField("rows") { .int($0.result.rows.count) },
    ]
  }
}

/// Max-logit statistics, alone or side by side (`maxlogit net data`).
public final class MaxLogitObject: FieldTable {
  public let names: [String]
  public let statistics: [MaxLogitStatistics]
  /// Max logit or max softmax probability.
  public let statistic: MaxStatistic

  public init(
    names: [String], statistics: [MaxLogitStatistics], statistic: MaxStatistic = .logit
  ) {
    self.names = names
    self.statistics = statistics
    self.statistic = statistic
  }

  public static let typeName = "maxlogit"

  public var summary: String {
    zip(names, statistics).map { String(format: "%@: mean %.3f std %.3f", $0, $1.mean, $1.std) }
      .joined(separator: "; ")
  }

  public var display: String {
    var rows = [[statistic == .logit ? "max logit" : "max prob"] + names]
    guard let first = statistics.first else { return summary }
    for (i, row) in first.summary.enumerated() {
      rows.append([row.name] + statistics.map { formattedStatistic($0.summary[i].value) })
    }
    return TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  public static var fields: [ObjectField<MaxLogitObject>] {
    [
      ObjectField("mean") { .list($0.statistics.map { .float($0.mean) }) },
      ObjectField("std") { .list($0.statistics.map { .float($0.std) }) },
    ]
  }
}

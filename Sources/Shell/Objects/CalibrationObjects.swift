import Calibration
import Foundation

/// Formats a metric the way every table does.
func formatted(_ value: Double) -> String { String(format: "%.4f", value) }

/// Counts print as integers, everything else as `formatted`.
func formattedStatistic(_ value: Double) -> String {
  value >= 1 && value == value.rounded() && value < 1e15 ? "\(Int(value))" : formatted(value)
}

/// The ECE family of one model on one dataset (`metrics r`).
public final class ReportObject: TypedShellObject {
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

  public var fieldNames: [String] {
    ["ece", "signed_ece", "mce", "adaptive_ece", "classwise_ece", "nll", "brier", "accuracy",
     "direction"]
  }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "ece": return .float(report.ece)
    case "signed_ece": return .float(report.signedECE)
    case "mce": return .float(report.mce)
    case "adaptive_ece": return .float(report.adaptiveECE)
    case "classwise_ece": return .float(report.classwiseECE)
    case "nll": return .float(report.nll)
    case "brier": return .float(report.brier)
    case "accuracy": return .float(report.accuracy)
    case "direction": return .string(report.direction)
    default: return nil
    }
  }
}

/// An MTS ratio sweep (`sweep net syn val=…`).
public final class SweepObject: TypedShellObject {
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

  public var fieldNames: [String] { ["r", "temperature", "rows"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "r": return .float(result.selectedRatio)
    case "temperature": return .float(result.selected.temperature)
    case "rows": return .int(result.rows.count)
    default: return nil
    }
  }
}

/// Max-logit statistics, alone or side by side (`maxlogit net data`).
public final class MaxLogitObject: TypedShellObject {
  public let names: [String]
  public let statistics: [MaxLogitStatistics]

  public init(names: [String], statistics: [MaxLogitStatistics]) {
    self.names = names
    self.statistics = statistics
  }

  public static let typeName = "maxlogit"

  public var summary: String {
    zip(names, statistics).map { String(format: "%@: mean %.3f std %.3f", $0, $1.mean, $1.std) }
      .joined(separator: "; ")
  }

  public var display: String {
    var rows = [["statistic"] + names]
    guard let first = statistics.first else { return summary }
    for (i, row) in first.summary.enumerated() {
      rows.append([row.name] + statistics.map { formattedStatistic($0.summary[i].value) })
    }
    return TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  public var fieldNames: [String] { ["mean", "std", "values"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "mean": return .list(statistics.map { .float($0.mean) })
    case "std": return .list(statistics.map { .float($0.std) })
    default: return nil
    }
  }
}

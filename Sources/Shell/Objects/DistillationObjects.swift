import Distillation
import Foundation
import TensorCore

/// MTT's expert trajectories in a directory: `ex = experts fm.train …`.
public final class ExpertsObject: FieldTable {
  public let buffer: ExpertBuffer
  public let directory: String

  public init(_ buffer: ExpertBuffer, directory: String) {
    self.buffer = buffer
    self.directory = directory
  }

  public static let typeName = "experts"

  public var summary: String {
    let n = buffer.network
    return "\(buffer.count) experts × \(buffer.snapshotCount - 1) epochs, ConvNet-\(n.depth) "
      + "w\(n.netWidth), in \(directory)"
  }

  public static var fields: [ObjectField<ExpertsObject>] {
    [
      ObjectField("count") { .int($0.buffer.count) },
      ObjectField("epochs") { .int($0.buffer.snapshotCount - 1) },
      ObjectField("dir") { .string($0.directory) },
    ]
  }
}

/// The evaluation protocol's outcome: one trained network per row.
public final class SetEvaluationObject: FieldTable {
  public struct Row {
    public var model: ModelObject
    public var accuracy: Double
    public var nll: Double
    public var ece: Double
  }

  public let rows: [Row]
  public let setName: String
  public let testName: String
  public let lr: Float
  public let aug: String

  init(rows: [Row], setName: String, testName: String, lr: Float, aug: String) {
    self.rows = rows
    self.setName = setName
    self.testName = testName
    self.lr = lr
    self.aug = aug
  }

  public static let typeName = "protocol"

  /// Mean and sample standard deviation of a column.
  func statistics(_ column: (Row) -> Double) -> (mean: Double, std: Double) {
    SyntheticEvaluation.meanAndStd(rows.map(column))
  }

  public var summary: String {
    let a = statistics(\.accuracy)
    let e = statistics(\.ece)
    return String(
      format: "%@ → %@: accuracy %.2f ± %.2f %%, ECE %.4f ± %.4f (%d networks)", setName, testName,
      100 * a.mean, 100 * a.std, e.mean, e.std, rows.count)
  }

  public var display: String {
    var table = [["network", "test acc", "NLL", "ECE"]]
    for (i, row) in rows.enumerated() {
      table.append([
        "\(i + 1)", String(format: "%.4f", row.accuracy), String(format: "%.4f", row.nll),
        String(format: "%.4f", row.ece),
      ])
    }
    let settings = String(format: "lr %.4g, aug %@", lr, aug)
    return summary + "\n" + settings + "\n"
      + TextTable(table).render().trimmingCharacters(in: .newlines)
  }

  public static var fields: [ObjectField<SetEvaluationObject>] {
    [
      ObjectField("accuracy") { .float($0.statistics(\.accuracy).mean) },
      ObjectField("std") { .float($0.statistics(\.accuracy).std) },
      ObjectField("accuracies") { .list($0.rows.map { .float($0.accuracy) }) },
      ObjectField("ece") { .float($0.statistics(\.ece).mean) },
      ObjectField("eces") { .list($0.rows.map { .float($0.ece) }) },
      ObjectField("nll") { .float($0.statistics(\.nll).mean) },
      ObjectField("models") { .list($0.rows.map { .object($0.model) }) },
    ]
  }
}

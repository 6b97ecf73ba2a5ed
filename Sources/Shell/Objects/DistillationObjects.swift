import Distillation
import Foundation
import TensorCore

/// MTT's expert trajectories in a directory: `ex = experts fm.train …`.
public final class ExpertsObject: TypedShellObject {
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

  public var fieldNames: [String] { ["count", "epochs", "dir"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "count": return .int(buffer.count)
    case "epochs": return .int(buffer.snapshotCount - 1)
    case "dir": return .string(directory)
    default: return nil
    }
  }
}

/// The evaluation protocol's outcome: one trained network per row.
public final class SetEvaluationObject: TypedShellObject {
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
    return summary + "\n" + settings + "\n" + TextTable(table).render().trimmingCharacters(in: .newlines)
  }

  public var fieldNames: [String] { ["accuracy", "std", "accuracies", "ece", "eces", "nll", "models"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "accuracy": return .float(statistics(\.accuracy).mean)
    case "std": return .float(statistics(\.accuracy).std)
    case "accuracies": return .list(rows.map { .float($0.accuracy) })
    case "ece": return .float(statistics(\.ece).mean)
    case "eces": return .list(rows.map { .float($0.ece) })
    case "nll": return .float(statistics(\.nll).mean)
    case "models": return .list(rows.map { .object($0.model) })
    default: return nil
    }
  }
}

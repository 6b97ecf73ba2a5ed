import Foundation
import TensorCore
import Training

/// What `eval` returns: accuracy, NLL, ECE, and the logits for later analysis.
public final class EvaluationObject: ShellObject {
  public let result: EvaluationResult
  public let ece: Double
  public let dataName: String
  public let temperature: Float

  public init(_ result: EvaluationResult, ece: Double, dataName: String, temperature: Float) {
    self.result = result
    self.ece = ece
    self.dataName = dataName
    self.temperature = temperature
  }

  public var typeName: String { "result" }

  public var summary: String {
    String(
      format: "accuracy %.4f, nll %.4f, ece %.4f on %@ (%d images)", result.accuracy, result.nll,
      ece, dataName, result.labels.count)
  }

  public var display: String {
    let rows = [
      ["data", "images", "accuracy", "nll", "ece (15 bins)"],
      [
      dataName, "\(result.labels.count)", String(format: "%.4f", result.accuracy),
        String(format: "%.4f", result.nll), String(format: "%.4f", ece),
      ],
    ]
    return TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  public var fieldNames: [String] { ["accuracy", "nll", "ece", "logits", "labels", "count"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "accuracy": return .float(result.accuracy)
    case "nll": return .float(result.nll)
    case "ece": return .float(ece)
    case "logits": return .tensor(result.logits)
    case "labels":
      return .tensor(NDArray(shape: [result.labels.count], data: result.labels.map(Float.init)))
    case "count": return .int(result.labels.count)
    default: return nil
    }
  }
}

/// What `train` returns: one row per epoch.
public final class HistoryObject: ShellObject {
  public let records: [EpochRecord]

  public init(_ records: [EpochRecord]) { self.records = records }

  public var typeName: String { "history" }

  public var summary: String {
    guard let last = records.last else { return "no epochs" }
    return String(
      format: "%d epochs, final loss %.4f, train accuracy %.4f", records.count, last.loss,
      last.accuracy)
  }

  public var display: String {
    var rows = [["epoch", "loss", "train acc", "lr", "seconds", "img/s"]]
    for r in records {
      rows.append([
        "\(r.epoch + 1)", String(format: "%.4f", r.loss), String(format: "%.4f", r.accuracy),
        String(format: "%.4g", r.learningRate), String(format: "%.1f", r.seconds),
        String(format: "%.0f", r.imagesPerSecond),
      ])
    }
    return TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  public var fieldNames: [String] { ["loss", "accuracy", "epochs"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "loss": return .list(records.map { .float($0.loss) })
    case "accuracy": return .list(records.map { .float($0.accuracy) })
    case "epochs": return .int(records.count)
    default: return nil
    }
  }
}

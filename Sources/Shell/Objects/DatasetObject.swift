import Datasets
import Distillation
import Foundation
import TensorCore

/// A labelled image set in a variable: `fm.train`, `sub = fm.train.sample per_class=10`.
public final class DatasetObject: TypedShellObject {
  public let dataset: Dataset
  /// Set when the images were distilled: the learned step size, iterations and settings.
  public let synthetic: SyntheticSet?

  public init(_ dataset: Dataset) {
    self.dataset = dataset
    synthetic = nil
  }

  /// A distilled set, usable wherever a dataset is.
  public init(synthetic: SyntheticSet) throws {
    dataset = try synthetic.dataset()
    self.synthetic = synthetic
  }

  public static let typeName = "dataset"

  public var summary: String {
    let base = "\(dataset.name): \(dataset.count) × \(dataset.imageShape), \(dataset.classCount) classes"
    guard let synthetic else { return base }
    let method = synthetic.settings.first { $0.hasPrefix("method=") }?.dropFirst(7) ?? "distilled"
    let lr = synthetic.learningRate.map { String(format: ", lr %.4g", $0) } ?? ""
    return base + " (\(method), \(synthetic.iteration) iterations\(lr))"
  }

  public var display: String {
    let counts = dataset.classCounts
    let perClass =
      Set(counts).count == 1 ? "\(counts.first ?? 0) per class" : "per class \(counts)"
    return summary + " (\(perClass))"
  }

  public var fieldNames: [String] {
    ["count", "shape", "classes", "images", "labels", "name"]
      + (synthetic == nil ? [] : ["lr", "iteration", "settings"])
  }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "count": return .int(dataset.count)
    case "shape": return .list(dataset.imageShape.map { .int($0) })
    case "classes": return .list(dataset.classNames.map { .string($0) })
    case "images": return .tensor(dataset.images)
    case "labels": return .tensor(NDArray(shape: [dataset.count], data: dataset.labels.map(Float.init)))
    case "name": return .string(dataset.name)
    case "lr" where synthetic != nil: return synthetic?.learningRate.map { .float(Double($0)) } ?? Value.none
    case "iteration" where synthetic != nil: return .int(synthetic?.iteration ?? 0)
    case "settings" where synthetic != nil: return .list((synthetic?.settings ?? []).map { .string($0) })
    default: return nil
    }
  }

  public var methods: [Command] { DatasetMethods.commands }
}

/// A train/test pair, as `load` returns: `fm.train`, `fm.test`.
public final class DataSplitsObject: TypedShellObject {
  public let name: String
  public let train: Dataset
  public let test: Dataset

  public init(name: String, train: Dataset, test: Dataset) {
    self.name = name
    self.train = train
    self.test = test
  }

  public static let typeName = "data"

  public var summary: String {
    "\(name): train \(train.count), test \(test.count) × \(train.imageShape), "
      + "\(train.classCount) classes"
  }

  public var fieldNames: [String] { ["train", "test", "classes", "shape", "name"] }

  public func field(_ name: String) throws -> Value? {
    switch name {
    case "train": return .object(DatasetObject(train))
    case "test": return .object(DatasetObject(test))
    case "classes": return .list(train.classNames.map { .string($0) })
    case "shape": return .list(train.imageShape.map { .int($0) })
    case "name": return .string(self.name)
    default: return nil
    }
  }
}

import Datasets
import Distillation
import Foundation
import TensorCore

/// A labelled image set in a variable: `fm.train`, `sub = fm.train.sample per_class=10`.
public final class DatasetObject: FieldTable {
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
    let base =
      "\(dataset.name): \(dataset.count) × \(dataset.imageShape), \(dataset.classCount) classes"
    guard let synthetic else { return base }
    let method = synthetic.settings.first { $0.hasPrefix("method=") }?.dropFirst(7) ?? "distilled"
    let lr = synthetic.learningRate.map { String(format: ", lr %.4g", $0) } ?? ""
    var memory = ""
    if let m = synthetic.memory {
      let side = m.bases.shape.dropFirst().map(String.init).joined(separator: "×")
      memory = ", \(m.basisCount) bases of \(side)"
    }
    return base + " (\(method)\(memory), \(synthetic.iteration) iterations\(lr))"
  }

  /// An RTP set's bases as a dataset of K low-resolution images, eight to a row (`show`).
  func basesDataset() throws -> Value {
    guard let synthetic, let memory = synthetic.memory else { return Value.none }
    let k = memory.basisCount
    let rows = (k + 7) / 8
    return .object(
      DatasetObject(
        try Dataset(
          name: "\(dataset.name)-bases", images: memory.bases, labels: (0..<k).map { $0 / 8 },
          classCount: rows,
          classNames: (0..<rows).map { "bases \($0 * 8 + 1)–\(min(k, $0 * 8 + 8))" },
          normalization: synthetic.normalization)))
  }

  public var display: String {
    let counts = dataset.classCounts
    let perClass =
      Set(counts).count == 1 ? "\(counts.first ?? 0) per class" : "per class \(counts)"
    return summary + " (\(perClass))"
  }

  public static var fields: [ObjectField<DatasetObject>] {
    [
      ObjectField("count") { .int($0.dataset.count) },
      ObjectField("shape") { .list($0.dataset.imageShape.map { .int($0) }) },
      ObjectField("classes") { .list($0.dataset.classNames.map { .string($0) }) },
      ObjectField("images") { .tensor($0.dataset.images) },
      ObjectField("labels") {
        .tensor(NDArray(shape: [$0.dataset.count], data: $0.dataset.labels.map(Float.init)))
      },
      ObjectField("name") { .string($0.dataset.name) },
      ObjectField("lr", when: { $0.synthetic != nil }) {
        $0.synthetic?.learningRate.map { .float(Double($0)) } ?? Value.none
      },
      ObjectField("iteration", when: { $0.synthetic != nil }) {
        .int($0.synthetic?.iteration ?? 0)
      },
      ObjectField("settings", when: { $0.synthetic != nil }) {
        .list(($0.synthetic?.settings ?? []).map { .string($0) })
      },
      ObjectField("bases", when: { $0.synthetic?.memory != nil }) { try $0.basesDataset() },
      ObjectField("addresses", when: { $0.synthetic?.memory != nil }) {
        $0.synthetic?.memory.map { .tensor($0.addresses) } ?? Value.none
      },
    ]
  }

  public var methods: [Command] { DatasetMethods.commands }
}

/// A train/test pair, as `load` returns: `fm.train`, `fm.test`.
public final class DataSplitsObject: FieldTable {
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

  public static var fields: [ObjectField<DataSplitsObject>] {
    [
      ObjectField("train") { .object(DatasetObject($0.train)) },
      ObjectField("test") { .object(DatasetObject($0.test)) },
      ObjectField("classes") { .list($0.train.classNames.map { .string($0) }) },
      ObjectField("shape") { .list($0.train.imageShape.map { .int($0) }) },
      ObjectField("name") { .string($0.name) },
    ]
  }
}

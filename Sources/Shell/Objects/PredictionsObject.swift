import Calibration
import Datasets
import Foundation
import TensorCore
import Training

/// Logits, labels and a temperature in a variable: what `eval` returns and what `predictions`
/// builds from arrays exported by any framework. `metrics`, `calibrate method=ts`,
/// `plot reliability|hist`, `maxlogit` and `scale` take it wherever they take a model + data.
public final class PredictionsObject: FieldTable {
  /// The raw logits (Double), labels and temperature.
  public let logits: LogitSet
  /// The data the logits were computed on ("fashion-mnist/test", a file name).
  public let dataName: String
  /// Where the logits came from (a model's origin, a file), for legends and tables.
  public let source: String

  /// softmax(z / T), computed once on first use.
  public private(set) lazy var predictions: Predictions = logits.predictions()

  public init(_ logits: LogitSet, dataName: String, source: String) {
    self.logits = logits
    self.dataName = dataName
    self.source = source
  }

  /// The same logits at temperature T (milliseconds: no network runs).
  /// - Throws: `CalibrationError.invalidOption` unless T is finite and positive.
  public func rescaled(to temperature: Double, source: String? = nil) throws -> PredictionsObject {
    PredictionsObject(
      try logits.rescaled(to: temperature), dataName: dataName, source: source ?? self.source)
  }

  public static let typeName = "predictions"

  public var summary: String {
    let p = predictions
    return String(
      format: "accuracy %.4f, nll %.4f, ece %.4f on %@ (%d × %d logits, T = %@)", p.accuracy,
      p.nll, p.ece(.guo), dataName, logits.count, logits.classCount,
      Self.temperatureText(logits.temperature))
  }

  public var display: String {
    let p = predictions
    let rows = [
      ["data", "images", "accuracy", "nll", "ece (15 bins)", "T"],
      [
        dataName, "\(logits.count)", formatted(p.accuracy), formatted(p.nll),
        formatted(p.ece(.guo)), Self.temperatureText(logits.temperature),
      ],
    ]
    return TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  /// T with the digits that read back as the same Double.
  static func temperatureText(_ t: Double) -> String { ValueFormatter.float(t) }

  public static var fields: [ObjectField<PredictionsObject>] {
    [
      ObjectField("accuracy") { .float($0.predictions.accuracy) },
      ObjectField("nll") { .float($0.predictions.nll) },
      ObjectField("ece") { .float($0.predictions.ece(.guo)) },
      ObjectField("brier") { .float($0.predictions.brier) },
      ObjectField("logits") { .tensor($0.logits.logitArray) },
      ObjectField("labels") {
        .tensor(NDArray(shape: [$0.logits.count], data: $0.logits.labels.map(Float.init)))
      },
      ObjectField("count") { .int($0.logits.count) },
      ObjectField("classes") { .int($0.logits.classCount) },
      ObjectField("temperature") { .float($0.logits.temperature) },
      ObjectField("source") { .string($0.source) },
      ObjectField("data") { .string($0.dataName) },
    ]
  }

  public var methods: [Command] { [TemperatureMethod.command] }
}

extension PredictionsObject: SavableObject {
  /// `logits` float64 [N, K], `labels` int64 [N], `temperature` float64 [1]: numpy reads them
  /// as they are, and `load` brings them back as predictions.
  func save(to path: String) throws {
    let n = logits.count
    try NPZ.write(
      [
        ("logits", try NPYArray(float64: logits.logits, shape: [n, logits.classCount])),
        ("labels", try NPYArray(int64: logits.labels, shape: [n])),
        ("temperature", try NPYArray(float64: [logits.temperature], shape: [1])),
      ], to: path)
  }
}

/// The predictions a command's "model or predictions" argument stands for.
enum Scored {
  /// Predictions given as `key`, or the model given as `key` evaluated on the dataset given as
  /// `dataKey` (a data pair uses its test split). The model's logits come from `LogitCache`.
  /// - Throws: an argument error when a model comes without data, predictions come with data,
  ///   or the data does not fit the model; `.interrupted` on Ctrl-C.
  static func predictions(_ args: Arguments, _ key: String = "model", data dataKey: String = "data")
    throws -> PredictionsObject
  {
    if let given = args[key]?.object(as: PredictionsObject.self) {
      guard !args.isGiven(dataKey) else {
        throw args.invalid(dataKey, "predictions carry their own labels; leave out \(dataKey)")
      }
      return given
    }
    guard let model = args[key]?.object(as: ModelObject.self) else {
      throw args.invalid(key, "expected a model or predictions")
    }
    guard let data = try args.optionalDataset(dataKey, split: .test) else {
      throw args.invalid(key, "a model needs data to run on (give \(dataKey)=…, or predictions)")
    }
    return try of(model, on: data, args, dataKey: dataKey)
  }

  /// `model` on `data` at the model's temperature.
  static func of(
    _ model: ModelObject, on data: Dataset, _ args: Arguments, dataKey: String = "data",
    batchSize: Int = 256
  ) throws -> PredictionsObject {
    try TrainCommands.checkFits(model, data, args, at: dataKey)
    let logits: NDArray
    do {
      logits = try LogitCache.logits(model.model, on: data, batchSize: batchSize)
    } catch TrainingError.interrupted(_, let step) {
      throw ShellError.interrupted(at: "batch \(step + 1) of the evaluation")
    }
    let set = try LogitSet(logits: logits, labels: data.labels, temperature: model.temperature)
    return PredictionsObject(set, dataName: data.name, source: model.origin)
  }
}

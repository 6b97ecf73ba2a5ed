import Calibration
import Datasets
import Foundation
import TensorCore
import Training

/// Logits from anywhere: `predictions` builds them from arrays or numpy files, `scale` and the
/// `temperature` method re-read them (or a model) at another temperature.
public enum PredictionCommands: CommandProvider {
  public static var commands: [Command] { [predictions, scale] }

  /// The parameter type of commands that take a model (with data) or predictions.
  static let scoredType = ValueType.oneOf([
    .object(of: ModelObject.self), .object(of: PredictionsObject.self),
  ])

  static var predictions: Command {
    Command(
      name: "predictions", family: .calibrate,
      summary:
        "Logits and labels from tensors or numpy files (any framework) as a predictions value.",
      discussion: """
        logits: a tensor or a path to a .npy of shape [N, K] (float32 or float64; float64 is
        kept in double precision end to end), or a .npz with a `logits` member. labels: a
        tensor, a list of ints or a .npy: class indices [N] (int, or float holding whole
        numbers) or one-hot rows [N, K]; optional when the .npz also holds `labels`.
        The result works wherever a model + data does: metrics, calibrate method=ts,
        plot reliability / hist, maxlogit, scale. MTS needs the model itself (it masks input
        images). `eval net data` returns the same kind of value; `save p "p.npz"` writes
        logits (float64), labels (int64) and temperature, and `load` reads them back.
        """,
      parameters: [
        .positional("logits", .oneOf([.tensor, .path]), doc: "[N, K] logits, or a .npy/.npz path"),
        .positional(
          "labels", Arguments.arrayType, optional: true, bounds: .classIndex,
          doc: "[N] class indices or [N, K] one-hot",
          completion: Arguments.arrayCompletion),
        .keyword(
          "temperature", .float, default: .float(1), bounds: .temperature,
          doc: "T the logits are read at"),
        .keyword("name", .string, doc: "what the logits were computed on (default: the file name)"),
      ],
      example: "p = predictions \"test_logits.npy\" \"test_labels.npy\"",
      exampleNeedsFiles: true
    ) { context in
      let args = context.arguments
      guard let logitsValue = args["logits"] else { return .none }
      let matrix = try read(args, "logits") { try PredictionsFiles.logits(logitsValue) }
      let labels = try labelsArgument(args, logitsValue, classCount: matrix.shape[1])
      let set: LogitSet
      do {
        set = try LogitSet(
          logits: matrix.values, classCount: matrix.shape[1], labels: labels,
          temperature: try args.float("temperature"))
      } catch let error as CalibrationError {
        throw args.invalid(error.parameter ?? "labels", error.description)
      }
      let name = args.isGiven("name") ? try args.string("name") : dataName(logitsValue)
      return .object(PredictionsObject(set, dataName: name, source: sourceName(logitsValue)))
    }
  }

  /// The labels argument, or the `labels` member of the .npz the logits came from.
  private static func labelsArgument(_ args: Arguments, _ logits: Value, classCount: Int) throws
    -> [Int]
  {
    if args["labels"] != nil {
      return try read(args, "labels") {
        try PredictionsFiles.classLabels(
          try args.array("labels"), classCount: classCount, what: "labels")
      }
    }
    if case .string(let path) = logits, path.hasSuffix(".npz"),
      let member = try NPZ.read(path)["labels"]
    {
      return try read(args, "logits") {
        try PredictionsFiles.classLabels(member, classCount: classCount, what: "labels in \(path)")
      }
    }
    throw args.invalid("labels", "give the labels: a tensor, a list or a .npy path")
  }

  /// `body`'s result; its errors are shown at the argument `name`.
  private static func read<T>(_ args: Arguments, _ name: String, _ body: () throws -> T) throws -> T
  {
    do {
      return try body()
    } catch let error as ShellError {
      throw args.failure(error, at: name)
    } catch let error as DatasetError {
      throw args.invalid(name, "\(error)")
    }
  }

  /// The file's base name without extension, or "logits" for a tensor.
  private static func dataName(_ value: Value) -> String {
    if case .string(let path) = value {
      return URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
    return "logits"
  }

  /// The file name the logits came from, or "logits" for a tensor.
  private static func sourceName(_ value: Value) -> String {
    if case .string(let path) = value { return URL(fileURLWithPath: path).lastPathComponent }
    return "logits"
  }

  static var scale: Command {
    Command(
      name: "scale", family: .calibrate,
      summary: "The same model or predictions read at temperature T (softmax(z / T)).",
      discussion: """
        For predictions this re-scores the stored logits — milliseconds, no network runs; a
        model's logits on a dataset are cached once computed, so metrics after scale do not
        rerun it either. Typical use: fit T on validation logits with `calibrate pval
        method=ts`, then `scale ptest T=(calibrate pval method=ts).temperature`. T is a
        double; fields print it with the digits that read back exactly. Also written
        `p.temperature 1.7`.
        """,
      parameters: [
        .positional("value", scoredType, doc: "a model or predictions"),
        .keyword("T", .float, bounds: .temperature, doc: "the temperature, T > 0"),
      ],
      example: "scaled = scale p T=1.7"
    ) { context in
      guard context.arguments.isGiven("T") else {
        throw context.arguments.invalid("value", "give the temperature as T=…")
      }
      return try rescale(
        context.arguments["value"], to: context.arguments.float("T"), context.arguments, at: "T")
    }
  }

  /// `value` at temperature `t`: a model shares its network, predictions their logits.
  static func rescale(_ value: Value?, to t: Double, _ args: Arguments, at parameter: String) throws
    -> Value
  {
    guard t > 0, t.isFinite else {
      throw args.invalid(parameter, "T must be finite and > 0, got \(t)")
    }
    if let model = value?.object(as: ModelObject.self) {
      return .object(
        ModelObject(
          model.model, temperature: t, origin: model.origin + " at T=\(ValueFormatter.float(t))"))
    }
    guard let predictions = value?.object(as: PredictionsObject.self) else { return .none }
    return .object(try predictions.rescaled(to: t))
  }
}

/// `value.temperature T`: models and predictions at another temperature.
enum TemperatureMethod {
  static var command: Command {
    Command(
      name: "temperature", family: .calibrate,
      summary: "The same model or predictions at temperature T (the field without T reads it).",
      parameters: [.positional("T", .float, bounds: .temperature, doc: "the temperature, T > 0")],
      example: "scaled = p.temperature 1.7"
    ) { context in
      try PredictionCommands.rescale(
        context.receiver, to: context.arguments.float("T"), context.arguments, at: "T")
    }
  }
}

extension CalibrationError {
  /// The shell parameter a calibration error is about, when it names one.
  var parameter: String? {
    switch self {
    case .logitsShape, .nonFiniteLogits: return "logits"
    case .labelCount, .labelOutOfRange: return "labels"
    case .invalidOption(let name, _, _): return name
    default: return nil
    }
  }
}

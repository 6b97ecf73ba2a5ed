import Autodiff
import NN
import TensorCore
import Training

/// A trained network together with its temperature: calibrated probabilities are
/// softmax(model(x) / T) (Guo et al., 2017; MTS uses the same form, paper eq. 4, with a T fitted
/// on masked inputs). Inputs are never masked here. The model's weights are shared, not copied,
/// and never changed; dividing by T > 0 keeps every argmax, so accuracy is that of the model.
public struct CalibratedModel {
  /// The network (a reference: the same weights as the caller's).
  public let model: ConvNet
  /// T > 0.
  public let temperature: Double

  /// Pairs `model` with `temperature`.
  /// - Throws: `CalibrationError.invalidOption` unless T is finite and positive.
  public init(model: ConvNet, temperature: Double) throws {
    try Check.option(
      temperature > 0 && temperature.isFinite, "temperature", temperature, "a finite T > 0")
    self.model = model
    self.temperature = temperature
  }

  /// The uncalibrated model as a calibrated one with T = 1.
  public init(uncalibrated model: ConvNet) {
    self.model = model
    self.temperature = 1
  }

  /// Calibrated logits z / T, [N, K], for images [N, C, H, W] (no graph is built).
  /// - Throws: `CalibrationError.imageShape` when the images do not fit the model.
  public func logits(_ images: NDArray, batchSize: Int = 256) throws -> NDArray {
    try ModelLogits.check(model, images: images)
    let raw = try ModelLogits.compute(model, images: images, batchSize: batchSize)
    return raw * Float(1 / temperature)
  }

  /// Softmax outputs of the calibrated model on a labelled set (softmax in Double).
  /// - Throws: `CalibrationError` for images or labels that do not fit.
  public func predictions(images: NDArray, labels: [Int], batchSize: Int = 256) throws
    -> Predictions
  {
    try ModelLogits.check(model, images: images, labels: labels)
    let raw = try ModelLogits.compute(model, images: images, batchSize: batchSize)
    return try Predictions(logits: raw, labels: labels, temperature: temperature)
  }

  /// Every calibration metric of the calibrated model on a labelled set.
  /// - Throws: `CalibrationError` for images, labels or binning that do not fit.
  public func report(
    images: NDArray, labels: [Int], binning: BinningOptions = .guo, batchSize: Int = 256
  ) throws -> CalibrationReport {
    try predictions(images: images, labels: labels, batchSize: batchSize).report(binning)
  }

  /// `Evaluation.evaluate` with this temperature: accuracy and NLL of softmax(z / T) in Float;
  /// the result's `logits` are the raw, unscaled logits.
  /// - Throws: `CalibrationError` for images or labels that do not fit.
  public func evaluate(images: NDArray, labels: [Int], batchSize: Int = 256) throws
    -> EvaluationResult
  {
    try ModelLogits.check(model, images: images, labels: labels)
    return Evaluation.evaluate(
      model, images: images, labels: labels, batchSize: max(batchSize, 1),
      temperature: Float(temperature))
  }
}

/// Batched, graph-free logits of a model, and the input checks in front of them.
enum ModelLogits {
  /// Throws unless `images` is [N ≥ 1, C, H, W] matching the model (and `labels`, when given,
  /// has N entries in 0..<classes).
  static func check(_ model: ConvNet, images: NDArray, labels: [Int]? = nil) throws {
    let c = model.config
    let expected = [c.channels, c.height, c.width]
    guard images.rank == 4, Array(images.shape.dropFirst()) == expected else {
      throw CalibrationError.imageShape(found: images.shape, expected: [-1] + expected)
    }
    guard images.shape[0] > 0 else { throw CalibrationError.empty(what: "the image set") }
    if let labels {
      try Predictions.validate(rows: images.shape[0], classCount: c.classes, labels: labels)
    }
  }

  /// Logits [N, K] of checked images, `batchSize` rows at a time, without recording a graph.
  /// - Throws: `CancellationError` when `Cancellation` asks to stop (checked per batch).
  static func compute(_ model: ConvNet, images: NDArray, batchSize: Int) throws -> NDArray {
    let n = images.shape[0]
    let size = max(batchSize, 1)
    var data: [Float] = []
    data.reserveCapacity(n * model.config.classes)
    try GradMode.withoutGradients {
      for start in stride(from: 0, to: n, by: size) {
        try Cancellation.check()
        let batch = images.rows(start..<min(n, start + size))
        data += model.forward(Tensor(batch)).value.data
      }
    }
    return NDArray(shape: [n, model.config.classes], data: data)
  }
}

import Autodiff
import Dispatch
import NN
import TensorCore

/// The outcome of running a model over a labelled set.
public struct EvaluationResult: Sendable {
  /// Logits [N, K].
  public var logits: NDArray
  public var labels: [Int]
  /// Fraction of rows whose argmax equals the label.
  public var accuracy: Double
  /// Mean negative log-likelihood.
  public var nll: Double
  public var imagesPerSecond: Double

  /// A result from its parts (e.g. one received from another process).
  public init(
    logits: NDArray, labels: [Int], accuracy: Double, nll: Double, imagesPerSecond: Double
  ) {
    self.logits = logits
    self.labels = labels
    self.accuracy = accuracy
    self.nll = nll
    self.imagesPerSecond = imagesPerSecond
  }
}

/// Inference helpers (no graph is built).
public enum Evaluation {
  /// Logits of `model` on images [N, C, H, W] in batches, with accuracy and NLL.
  public static func evaluate(
    _ model: ConvNet, images: NDArray, labels: [Int], batchSize: Int = 256,
    temperature: Float = 1
  ) -> EvaluationResult {
    let start = DispatchTimeShim.now()
    let logits = GradMode.withoutGradients {
      batched(images, batchSize) { _, x in model.forward(Tensor(x)).value }
    }
    return summarize(
      logits, labels, temperature, classes: model.config.classes,
      seconds: DispatchTimeShim.seconds(since: start))
  }

  /// `evaluate`, polling `shouldStop` between batches (Ctrl-C in the shell).
  /// - Throws: `TrainingError.interrupted(epoch: 0, step: batch)` when asked to stop.
  public static func evaluate(
    _ model: ConvNet, images: NDArray, labels: [Int], batchSize: Int = 256,
    temperature: Float = 1, shouldStop: () -> Bool
  ) throws -> EvaluationResult {
    let start = DispatchTimeShim.now()
    let logits = try GradMode.withoutGradients {
      try batched(images, batchSize) { step, x in
        if shouldStop() { throw TrainingError.interrupted(epoch: 0, step: step) }
        return model.forward(Tensor(x)).value
      }
    }
    return summarize(
      logits, labels, temperature, classes: model.config.classes,
      seconds: DispatchTimeShim.seconds(since: start))
  }

  private static func summarize(
    _ batchedLogits: NDArray, _ labels: [Int], _ temperature: Float, classes: Int,
    seconds: Double
  ) -> EvaluationResult {
    // No images: `batched` cannot know the row shape, so give the logits their K columns.
    let logits = batchedLogits.rank == 2 ? batchedLogits : NDArray.zeros([0, classes])
    let scaled = temperature == 1 ? logits : logits * (1 / temperature)
    let logp = scaled.logSoftmaxRows()
    let predictions = scaled.argmaxRows()
    let k = logits.shape[1]
    var nll = 0.0
    var correct = 0
    for (i, label) in labels.enumerated() {
      nll -= Double(logp.data[i * k + label])
      if predictions[i] == label { correct += 1 }
    }
    let n = max(labels.count, 1)
    return EvaluationResult(
      logits: logits, labels: labels, accuracy: Double(correct) / Double(n),
      nll: nll / Double(n),
      imagesPerSecond: Double(labels.count) / max(seconds, 1e-9))
  }

  /// Features after block `block` (0-based), flattened to [N, F] — for t-SNE and analyses.
  /// - Throws: `CancellationError` when `Cancellation` asks to stop (checked per batch).
  public static func features(_ model: ConvNet, images: NDArray, block: Int, batchSize: Int = 256)
    throws -> NDArray
  {
    try GradMode.withoutGradients {
      try batched(images, batchSize) { _, x in
        try Cancellation.check()
        return model.features(Tensor(x), with: model.parameters.tensors, upToBlock: block)
          .flattenedRows().value
      }
    }
  }

  /// Concatenates `body(batchIndex, rows)` over row batches of x.
  static func batched(
    _ x: NDArray, _ size: Int, _ body: (Int, NDArray) throws -> NDArray
  ) rethrows -> NDArray {
    let n = x.shape[0]
    var parts: [Float] = []
    var rowShape: [Int] = []
    for (step, start) in stride(from: 0, to: n, by: max(size, 1)).enumerated() {
      let out = try body(step, x.rows(start..<min(n, start + size)))
      rowShape = Array(out.shape.dropFirst())
      parts.append(contentsOf: out.data)
    }
    return NDArray(shape: [n] + rowShape, data: parts)
  }
}

enum DispatchTimeShim {
  static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
  static func seconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }
}

import Dispatch
import Autodiff
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
      batched(images, batchSize) { model.forward(Tensor($0)).value }
    }
    return summarize(logits, labels, temperature, seconds: DispatchTimeShim.seconds(since: start))
  }

  /// `evaluate`, polling `shouldStop` between batches (Ctrl-C in the shell).
  /// - Throws: `TrainingError.interrupted(epoch: 0, step: batch)` when asked to stop.
  public static func evaluate(
    _ model: ConvNet, images: NDArray, labels: [Int], batchSize: Int = 256,
    temperature: Float = 1, shouldStop: () -> Bool
  ) throws -> EvaluationResult {
    let start = DispatchTimeShim.now()
    var parts: [NDArray] = []
    let n = images.shape[0]
    for (step, first) in stride(from: 0, to: n, by: max(batchSize, 1)).enumerated() {
      if shouldStop() { throw TrainingError.interrupted(epoch: 0, step: step) }
      let x = images.rows(first..<min(n, first + batchSize))
      parts.append(GradMode.withoutGradients { model.forward(Tensor(x)).value })
    }
    let k = parts.first?.shape[1] ?? model.config.classes
    let logits = NDArray(shape: [n, k], data: parts.flatMap(\.data))
    return summarize(logits, labels, temperature, seconds: DispatchTimeShim.seconds(since: start))
  }

  private static func summarize(
    _ logits: NDArray, _ labels: [Int], _ temperature: Float, seconds: Double
  ) -> EvaluationResult {
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
  public static func features(_ model: ConvNet, images: NDArray, block: Int, batchSize: Int = 256)
    -> NDArray
  {
    GradMode.withoutGradients {
      batched(images, batchSize) { x in
        model.features(Tensor(x), with: model.parameters.tensors, upToBlock: block)
          .flattenedRows().value
      }
    }
  }

  /// Concatenates `body` over row batches of x.
  static func batched(_ x: NDArray, _ size: Int, _ body: (NDArray) -> NDArray) -> NDArray {
    let n = x.shape[0]
    var parts: [Float] = []
    var rowShape: [Int] = []
    for start in stride(from: 0, to: n, by: max(size, 1)) {
      let out = body(x.rows(start..<min(n, start + size)))
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

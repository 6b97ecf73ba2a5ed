import Autodiff
import NN
import Optim
import TensorCore

/// DC and DSA (docs/ALGORITHMS.md §5.2). One iteration samples a fresh network and alternates
/// `outerLoop` times: for every class, the layer-wise distance between the parameter gradient of
/// the real batch and of the (masked, augmented) synthetic images, whose gradient with respect to
/// the images needs a double backward; one pixel step; then `innerLoop` epochs of plain SGD of the
/// network on the current synthetic set (per-sample DSA for DSA).
enum GradientMatching {
  static func iterate(
    _ images: inout NDArray, optimizer: inout PixelOptimizer, _ context: MatchingContext,
    ratio: Float, rng: inout RandomStream, shouldStop: () -> Bool
  ) throws -> Float {
    let options = context.options
    let net = context.freshNetwork(rng: &rng)
    var total: Float = 0
    for outer in 0..<options.outerLoop {
      if shouldStop() { throw DistillationError.interrupted(iteration: -1) }
      let (loss, grad) = matchAllClasses(images, net, context, ratio: ratio, rng: &rng)
      guard loss.isFinite, grad.isFinite else {
        throw DistillationError.nonFinite(what: "the gradient-matching loss", iteration: -1)
      }
      total += loss
      optimizer.step(&images, gradient: grad)
      if outer == options.outerLoop - 1 { break }
      trainNetwork(net, on: images, context, rng: &rng)
    }
    return total / Float(options.outerLoop)
  }

  /// Σ_c d(∇θ ℓ(synthetic_c), ∇θ ℓ(real_c)) and its gradient with respect to the images.
  static func matchAllClasses(
    _ images: NDArray, _ net: ConvNet, _ context: MatchingContext, ratio: Float,
    rng: inout RandomStream
  ) -> (Float, NDArray) {
    let theta = net.parameters.asLeaves()
    return context.sumOverClasses(images, ratio: ratio, rng: &rng) { c, xr, xs in
      let realGrads = gradients(
        of: Losses.crossEntropy(
          net.forward(xr, with: theta, training: true),
          labels: Array(repeating: c, count: xr.shape[0])),
        wrt: theta.tensors
      ).map { $0.detached() }
      let synGrads = gradients(
        of: Losses.crossEntropy(
          net.forward(xs, with: theta, training: true),
          labels: Array(repeating: c, count: xs.shape[0])),
        wrt: theta.tensors, createGraph: true)
      return MatchingDistance.layerwise(synthetic: synGrads, real: realGrads)
    }
  }

  /// `innerLoop` epochs of plain SGD (lr_net, batch_train) on the synthetic set.
  static func trainNetwork(
    _ net: ConvNet, on images: NDArray, _ context: MatchingContext, rng: inout RandomStream
  ) {
    let options = context.options
    let labels = (0..<context.source.classCount).flatMap {
      Array(repeating: $0, count: options.imagesPerClass)
    }
    let sgd = SGDTrainer(
      SGD(learningRate: options.networkLearningRate), parameterCount: net.parameters.count)
    for _ in 0..<options.innerLoop {
      let order = rng.permutation(labels.count)
      for start in stride(from: 0, to: order.count, by: options.trainBatch) {
        let batch = Array(order[start..<min(order.count, start + options.trainBatch)])
        var x = Tensor(images.gatherRows(batch))
        if !context.augment.ops.isEmpty { x = context.augment(x, rng: &rng) }
        let theta = net.parameters.asLeaves()
        let loss = Losses.crossEntropy(
          net.forward(x, with: theta, training: true), labels: batch.map { labels[$0] })
        var updated = net.parameters
        sgd.update(&updated, gradients: gradients(of: loss, wrt: theta.tensors).map(\.value))
        net.parameters = updated
      }
    }
  }
}

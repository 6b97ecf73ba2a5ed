import Autodiff
import Datasets
import NN
import Optim
import TensorCore

/// EDD, "Accelerating dataset distillation via model augmentation" (Zhang et al., 2023;
/// docs/ALGORITHMS.md §15.1). One iteration takes an early-stage model θ from the pool (an
/// expert's snapshot after `poolEpochs` epochs on real data), perturbs it (`WeightPerturbation`)
/// and runs `outerLoop` rounds of
///
/// 1. for every class c, one pixel step on the class's gradient-matching distance
///
///        L_c = D(∇θ ℓ(f(A(M ⊙ S_c); θ), c), ∇θ ℓ(f(A(T_c); θ), c)),
///
///    S_c the class's synthetic images, M the MDT mask (paper Eq. 6; M = 1 without MDT), T_c a
///    real batch of the class, A one shared IDC-style transform, D the `GradientMetric` over
///    the convolution weights; the image gradient needs a double backward;
/// 2. SGD (momentum 0.9, weight decay 5e-4) of the network on `networkImages` real images.
enum EarlyStageMatching {
  /// One iteration on `images`; returns the mean over rounds of Σ_c L_c.
  static func iterate(
    _ images: inout NDArray, optimizer: inout PixelOptimizer, pool: ExpertBuffer,
    _ context: MatchingContext, ratio: Float, rng: inout RandomStream, shouldStop: () -> Bool
  ) throws -> Float {
    let options = context.options
    let net = sampledModel(pool, options, rng: &rng)
    clampToPixelRange(&images, context.source.normalization)
    let augment = try StagedAugmentation(strategy: options.augmentation)
    let sgd = SGDTrainer(
      SGD(
        learningRate: options.networkLearningRate, momentum: EDDOptions.networkMomentum,
        weightDecay: EDDOptions.networkWeightDecay), parameterCount: net.parameters.count)
    var walk = RealWalk(order: rng.permutation(context.source.count))
    let ipc = options.imagesPerClass
    var total: Float = 0
    for _ in 0..<options.outerLoop {
      if shouldStop() { throw DistillationError.interrupted(iteration: -1) }
      for c in 0..<context.source.classCount {
        let (loss, grad) = matchClass(
          c, images, net, context, augment, ratio: ratio, rng: &rng)
        guard loss.isFinite, grad.isFinite else {
          throw DistillationError.nonFinite(what: "the edd loss", iteration: -1)
        }
        total += loss
        // One step per class on the whole set, as the reference does: rows of the other
        // classes get a zero gradient and move by their momentum only.
        var full = NDArray.zeros(images.shape)
        full.addRows(grad, at: c * ipc)
        optimizer.step(&images, gradient: full)
      }
      trainOnReal(net, sgd, context, augment.withoutCutout, walk: &walk, rng: &rng)
    }
    return total / Float(options.outerLoop)
  }

  /// A pool member at epoch `poolEpochs`, chosen uniformly, with its weights perturbed.
  static func sampledModel(
    _ pool: ExpertBuffer, _ options: DistillationOptions, rng: inout RandomStream
  ) -> ConvNet {
    var template = RandomStream(seed: 0)
    let net = ConvNet(options.network, rng: &template)
    let trajectory = pool.trajectories[rng.int(in: 0..<pool.count)]
    let early = net.parameters.unflattened(trajectory.row(options.edd.poolEpochs))
    net.parameters = WeightPerturbation.perturbed(
      early, minimum: options.edd.perturbationMinimum,
      maximum: options.edd.perturbationMaximum, rng: &rng)
    return net
  }

  /// L_c and its gradient with respect to class c's synthetic rows [ipc, C, H, W].
  static func matchClass(
    _ c: Int, _ images: NDArray, _ net: ConvNet, _ context: MatchingContext,
    _ augment: StagedAugmentation, ratio: Float, rng: inout RandomStream
  ) -> (Float, NDArray) {
    let ipc = context.options.imagesPerClass
    let leaf = Tensor(sliceRows(images, (c * ipc)..<((c + 1) * ipc)), requiresGrad: true)
    let masked = MaskSchedule.apply(leaf, ratio: ratio, rng: &rng)
    let real = Tensor(context.realBatch(ofClass: c, rng: &rng))
    let pair = augment.siamese([real, masked], rng: &rng)
    let theta = net.parameters.asLeaves()
    func loss(_ x: Tensor) -> Tensor {
      Losses.crossEntropy(
        net.forward(x, with: theta, training: true),
        labels: Array(repeating: c, count: x.shape[0]))
    }
    let realGrads = gradients(of: loss(pair[0]), wrt: theta.tensors).map { $0.detached() }
    let synGrads = gradients(of: loss(pair[1]), wrt: theta.tensors, createGraph: true)
    let value = distance(
      synthetic: synGrads, real: realGrads, metric: context.options.edd.metric)
    return (value.scalar, gradients(of: value, wrt: [leaf])[0].value)
  }

  /// D over the convolution weights (rank 4): the reference matches neither 1-D tensors
  /// (biases, norm γ and β) nor the classifier.
  static func distance(synthetic: [Tensor], real: [Tensor], metric: GradientMetric) -> Tensor {
    var total: Tensor? = nil
    for (gs, gr) in zip(synthetic, real) where gs.rank == 4 {
      let term: Tensor
      switch metric {
      case .l1: term = (gr - gs).abs().sum()
      case .mse: term = (gr - gs).square().sum()
      case .cos: term = MatchingDistance.layerwise(synthetic: [gs], real: [gr])
      }
      total = total.map { $0 + term } ?? term
    }
    return total ?? Tensor(scalar: 0)
  }

  /// `networkImages` real images (rounded up to whole batches of `realBatch`) along `walk`,
  /// per-sample augmentation, one SGD step per batch.
  static func trainOnReal(
    _ net: ConvNet, _ sgd: SGDTrainer, _ context: MatchingContext, _ augment: StagedAugmentation,
    walk: inout RealWalk, rng: inout RandomStream
  ) {
    let options = context.options
    let source = context.source
    var seen = 0
    while seen < options.edd.networkImages {
      let batch = walk.next(options.realBatch)
      var x = Tensor(source.images.gatherRows(batch))
      if !augment.isIdentity { x = augment(x, rng: &rng) }
      let theta = net.parameters.asLeaves()
      let loss = Losses.crossEntropy(
        net.forward(x, with: theta, training: true), labels: batch.map { source.labels[$0] })
      var updated = net.parameters
      sgd.update(&updated, gradients: gradients(of: loss, wrt: theta.tensors).map(\.value))
      net.parameters = updated
      seen += batch.count
    }
  }

  /// Clamps the images to the normalised image of [0, 1] — the reference clamps its raw
  /// pixels at the start of every iteration. Skipped for data without a recorded
  /// normalisation (ZCA-whitened or loaded arrays), whose pixel range is unknown.
  static func clampToPixelRange(_ images: inout NDArray, _ normalization: Normalization) {
    guard normalization != .identity(channels: normalization.channels) else { return }
    let channels = images.shape[1]
    let plane = images.count / max(images.shape[0] * channels, 1)
    for start in stride(from: 0, to: images.count, by: plane) {
      let c = (start / plane) % channels
      let low = (0 - normalization.mean[c]) / normalization.std[c]
      let high = (1 - normalization.mean[c]) / normalization.std[c]
      for k in start..<(start + plane) {
        images.data[k] = min(max(images.data[k], low), high)
      }
    }
  }
}

/// Successive real-image indices along a permutation drawn once per iteration, wrapping.
struct RealWalk {
  let order: [Int]
  var cursor = 0

  mutating func next(_ count: Int) -> [Int] {
    let batch = (0..<count).map { order[(cursor + $0) % order.count] }
    cursor += count
    return batch
  }
}

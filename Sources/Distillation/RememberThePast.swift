import Autodiff
import NN
import Optim
import TensorCore

/// RTP (docs/ALGORITHMS.md §16.2). A fresh network takes T steps of SGD with momentum on
/// per-class minibatches of synthetic images x = Up(A[rows]·M) (masked for MDT, under the
/// iteration's shared transform); the meta-loss is the cross-entropy of the final network on a
/// real batch of every class:
///
///     L(M, A) = CE(f(x_real; w_T), y_real),   w_T = SGDₘ^T(w₀; x(M, A)).
///
/// ∂L/∂M and ∂L/∂A go back through all T steps and the velocity exactly, with
/// `UnrolledSGD.gradients(…momentum:…)`: memory holds the T + 1 parameter vectors, never the
/// T step graphs.
enum RememberThePast {
  /// The global L2 norm the outer gradient is clipped to (the reference's max_norm).
  static let clip: Float = 2

  /// The meta-loss and its gradient with respect to the memory, laid out as
  /// `AddressableMemory.flattened` (bases, then addresses).
  struct Gradient {
    var loss: Float
    var parameters: NDArray
  }

  static func gradient(
    _ memory: AddressableMemory, _ context: MatchingContext, ratio: Float,
    rng: inout RandomStream
  ) -> Gradient {
    let run = InnerRun(memory, context, ratio: ratio, rng: &rng)
    let options = context.options
    let bases = Tensor(memory.bases, requiresGrad: true)
    let addresses = Tensor(memory.addresses, requiresGrad: true)
    let result = UnrolledSGD.gradients(
      start: run.net.parameters, steps: options.syntheticSteps,
      learningRate: options.networkLearningRate, momentum: options.innerMomentum,
      inputs: [bases, addresses], chunks: run.chunkCount,
      stepLoss: { t, c, theta in
        run.stepLoss(t, chunk: c, theta, bases: bases, addresses: addresses)
      },
      finalGradient: { run.metaGradient($0) })
    let flat = result.inputGradients[0].data + result.inputGradients[1].data
    return Gradient(loss: result.loss, parameters: NDArray(shape: [flat.count], data: flat))
  }

  /// g scaled by maxNorm / (‖g‖ + 1e-6) when ‖g‖ > maxNorm (PyTorch's clip_grad_norm_).
  static func clipped(_ g: NDArray, maxNorm: Float) -> NDArray {
    let norm = Float(g.data.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    guard norm > maxNorm else { return g }
    return g * (maxNorm / (norm + 1e-6))
  }
}

/// Everything one RTP outer iteration draws: the fresh network, the shared transform, the real
/// batch, each inner step's rows and mask stream. The step losses are pure functions of these,
/// so the reverse pass rebuilds exactly the graphs of the forward pass.
struct InnerRun {
  let context: MatchingContext
  let net: ConvNet
  let draw: AugmentationDraw
  let realImages: NDArray
  let realLabels: [Int]
  /// Rows of the addresses per inner step, class-major.
  let batches: [[Int]]
  let stepStreams: RandomStream
  let ratio: Float
  let perClass: Int
  let downsample: Int
  let chunkSize: Int

  init(
    _ memory: AddressableMemory, _ context: MatchingContext, ratio: Float,
    rng: inout RandomStream
  ) {
    let options = context.options
    let classes = context.source.classCount
    self.context = context
    self.ratio = ratio
    perClass = memory.addressCount / classes
    downsample = memory.downsample
    net = context.freshNetwork(rng: &rng)
    let shape = memory.imageShape
    // One transform per outer iteration for every inner batch and the real batch (RTP's pair
    // augmentation); the identity without a strategy.
    draw = context.augment.draw(
      batch: 1, height: shape[1], width: shape[2], shared: true, rng: &rng)
    (realImages, realLabels) = Self.realBatch(context, rng: &rng)
    batches = Self.innerBatches(
      classes: classes, perClass: perClass, take: options.syntheticBatch ?? 32,
      steps: options.syntheticSteps, rng: &rng)
    stepStreams = rng.split(0x7274_7073)  // "rtps": one substream per inner step
    chunkSize = max(1, options.studentChunk)
  }

  /// Sub-batches per inner step (every step's batch has the same size).
  var chunkCount: Int { ((batches.first?.count ?? 1) + chunkSize - 1) / chunkSize }

  /// The synthetic batch of inner step t [n, C, H, W]: combined, masked with step t's stream,
  /// transformed.
  func images(step t: Int, bases: Tensor, addresses: Tensor) -> Tensor {
    var stream = stepStreams.split(UInt64(t))
    let x = AddressableMemory.images(
      bases: bases, addresses: addresses.gatherRows(batches[t]), downsample: downsample)
    return context.augment.apply(draw, to: MaskSchedule.apply(x, ratio: ratio, rng: &stream))
  }

  /// Part `chunk` of inner step t's mean cross-entropy, weighted by its share of the batch.
  func stepLoss(
    _ t: Int, chunk c: Int, _ theta: ParameterSet, bases: Tensor, addresses: Tensor
  ) -> Tensor {
    let batch = batches[t]
    let rows = Array((c * chunkSize)..<min(batch.count, (c + 1) * chunkSize))
    var x = images(step: t, bases: bases, addresses: addresses)
    if rows.count < batch.count { x = x.gatherRows(rows) }
    let logits = net.forward(x, with: theta, training: true)
    let share = Float(rows.count) / Float(batch.count)
    return Losses.crossEntropy(logits, labels: rows.map { batch[$0] / perClass }) * share
  }

  /// Part of the meta-loss: the real rows `rows`' cross-entropy, weighted by their share.
  func metaLoss(_ theta: ParameterSet, rows: [Int]) -> Tensor {
    let x = context.augment.apply(draw, to: Tensor(realImages.gatherRows(rows)))
    let share = Float(rows.count) / Float(realLabels.count)
    return Losses.crossEntropy(
      net.forward(x, with: theta, training: true), labels: rows.map { realLabels[$0] }) * share
  }

  /// The meta-loss at `parameters` and its parameter gradient, over sub-batches of at most
  /// `chunkSize` real images (memory of one sub-batch; the same result).
  func metaGradient(_ parameters: ParameterSet) -> (loss: Float, gradient: [NDArray]) {
    let theta = parameters.asLeaves()
    var total: Float = 0
    var gradient = theta.values.map { NDArray.zeros($0.shape) }
    for start in stride(from: 0, to: realLabels.count, by: chunkSize) {
      let loss = metaLoss(theta, rows: Array(start..<min(realLabels.count, start + chunkSize)))
      total += loss.scalar
      let g = gradients(of: loss, wrt: theta.tensors)
      for i in gradient.indices { gradient[i].addScaled(g[i].value, 1) }
    }
    return (total, gradient)
  }

  /// `realBatch` random real images of every class, class-major, and their labels.
  static func realBatch(_ context: MatchingContext, rng: inout RandomStream) -> (NDArray, [Int]) {
    var parts: [NDArray] = []
    var labels: [Int] = []
    for c in 0..<context.source.classCount {
      let part = context.realBatch(ofClass: c, rng: &rng)
      labels += Array(repeating: c, count: part.shape[0])
      parts.append(part)
    }
    return (NDArray.concatenate(parts, axis: 0), labels)
  }

  /// The rows of each inner step: for every class in order, the first `take` of a fresh
  /// permutation of its `perClass` rows, sorted (the reference's per-class minibatch).
  static func innerBatches(
    classes: Int, perClass: Int, take: Int, steps: Int, rng: inout RandomStream
  ) -> [[Int]] {
    let n = min(take, perClass)
    return (0..<steps).map { _ in
      (0..<classes).flatMap { c in
        rng.permutation(perClass).prefix(n).sorted().map { c * perClass + $0 }
      }
    }
  }
}

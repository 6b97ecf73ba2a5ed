import Autodiff
import Cluster
import NN
import Optim
import TensorCore

/// MTT (docs/ALGORITHMS.md §7.2). From θ_start, an expert's snapshot at a random epoch t₀ < T⁺,
/// take N student steps θ ← θ − α ∇θ CE(f(A(M ⊙ S_b); θ), y_b) on synthetic mini-batches and match
/// the expert's snapshot M epochs later:
///
///     L = ‖θ_N − θ_target‖² / ‖θ_start − θ_target‖².
///
/// The gradient with respect to the images S and the step size α goes through all N steps
/// with `UnrolledSGD`: memory holds the N + 1 parameter vectors only, never N graphs.
enum TrajectoryMatching {
  static func gradient(
    _ images: NDArray, stepSize: Float, experts: ExpertBuffer, _ context: MatchingContext,
    ratio: Float, rng: inout RandomStream
  ) throws -> IterationGradient {
    let options = context.options
    let trajectory = experts.trajectories[rng.int(in: 0..<experts.count)]
    let t0 = rng.int(in: 0..<options.maxStartEpoch)
    let start = trajectory.row(t0)
    let target = trajectory.row(t0 + options.expertEpochs)
    let batches = studentBatches(count: images.shape[0], options: options, rng: &rng)
    let labels = (0..<context.source.classCount).flatMap {
      Array(repeating: $0, count: options.imagesPerClass)
    }
    var template = RandomStream(seed: 0)
    let net = ConvNet(options.network, rng: &template)
    let leaf = Tensor(images, requiresGrad: true)
    let stepStreams = rng.split(0x7374_6570)  // "step": one substream per student step
    let denominator = max(start.squaredDistance(to: target), 1e-30)
    let targetTensors = net.parameters.unflattened(target).tensors
    // Sub-batches of at most `studentChunk` images bound the memory of one step's graph; the
    // mask and augmentation are drawn for the whole batch, so the chunks change nothing else.
    // Under mpirun the chunks are spread over the ranks, at least one each
    // (docs/ALGORITHMS.md §18).
    let largest = batches.map(\.count).max() ?? 1
    let sharing = Distribution.chunkSharing
    var chunkSize = max(1, options.studentChunk)
    if sharing != nil {
      chunkSize = min(chunkSize, max(1, (largest + Cluster.size - 1) / Cluster.size))
    }
    let chunkCount = (largest + chunkSize - 1) / chunkSize
    let stepLoss = { (t: Int, c: Int, theta: ParameterSet) -> Tensor in
      let batch = batches[t]
      let rows = Array((c * chunkSize)..<min(batch.count, (c + 1) * chunkSize))
      guard !rows.isEmpty else { return Tensor(scalar: 0) }
      var stream = stepStreams.split(UInt64(t))
      var x = MaskSchedule.apply(leaf.gatherRows(batch), ratio: ratio, rng: &stream)
      if !context.augment.ops.isEmpty { x = context.augment(x, rng: &stream) }
      let logits = net.forward(x.gatherRows(rows), with: theta, training: true)
      let share = Float(rows.count) / Float(batch.count)
      return Losses.crossEntropy(logits, labels: rows.map { labels[batch[$0]] }) * share
    }
    let finalLoss = { (theta: ParameterSet) -> Tensor in
      var sum: Tensor? = nil
      for (p, q) in zip(theta.tensors, targetTensors) {
        let term = (p - q).square().sum()
        sum = sum.map { $0 + term } ?? term
      }
      return (sum ?? Tensor(scalar: 0)) / Float(denominator)
    }
    let result =
      sharing.map {
        UnrolledSGD.gradients(
          start: net.parameters.unflattened(start), steps: options.syntheticSteps,
          learningRate: stepSize, inputs: [leaf], chunks: chunkCount, sharing: $0,
          stepLoss: stepLoss, finalLoss: finalLoss)
      }
      ?? UnrolledSGD.gradients(
        start: net.parameters.unflattened(start), steps: options.syntheticSteps,
        learningRate: stepSize, inputs: [leaf], chunks: chunkCount, stepLoss: stepLoss,
        finalLoss: finalLoss)
    return IterationGradient(
      loss: result.loss, images: result.inputGradients[0], stepSize: result.learningRateGradient)
  }

  /// The N student mini-batches: successive chunks of fresh permutations, taken from the end
  /// as the reference pops them.
  static func studentBatches(count: Int, options: DistillationOptions, rng: inout RandomStream)
    -> [[Int]]
  {
    let size = min(options.syntheticBatch ?? count, count)
    var chunks: [[Int]] = []
    var batches: [[Int]] = []
    for _ in 0..<options.syntheticSteps {
      if chunks.isEmpty {
        let order = rng.permutation(count)
        chunks = stride(from: 0, to: count, by: size).map {
          Array(order[$0..<min(count, $0 + size)])
        }
      }
      batches.append(chunks.removeLast())
    }
    return batches
  }
}

extension NDArray {
  /// Row r of a matrix, as a vector.
  func row(_ r: Int) -> NDArray {
    let width = shape[1]
    return NDArray(shape: [width], data: Array(data[(r * width)..<((r + 1) * width)]))
  }

  /// ‖self − other‖² in Double.
  func squaredDistance(to other: NDArray) -> Double {
    var sum = 0.0
    for (a, b) in zip(data, other.data) { sum += Double(a - b) * Double(a - b) }
    return sum
  }
}

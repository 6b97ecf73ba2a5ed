import Autodiff
import NN
import TensorCore

/// DM (SPEC §6): in a fresh random network, match each class's mean embedding of real and
/// synthetic images under one shared augmentation:
///
///     L = Σ_c ‖ mean_i φ(A(x_real,i)) − mean_j φ(A(M ⊙ s_c,j)) ‖²,
///
/// φ the flattened output of the last block, A the siamese DSA transform, M the MDT mask.
/// First order: one backward through φ per class.
enum DistributionMatching {
  static func gradient(
    _ images: NDArray, _ context: MatchingContext, ratio: Float, rng: inout RandomStream
  ) -> IterationGradient {
    let net = context.freshNetwork(rng: &rng)
    let theta = net.parameters.tensors
    let lastBlock = net.config.depth - 1
    let set = context.options.imagesPerClass
    var grad = NDArray.zeros(images.shape)
    var total: Float = 0
    for c in 0..<context.source.classCount {
      let rows = (c * set)..<((c + 1) * set)
      let leaf = Tensor(sliceRows(images, rows), requiresGrad: true)
      let masked = MaskSchedule.apply(leaf, ratio: ratio, rng: &rng)
      let real = Tensor(context.realBatch(ofClass: c, rng: &rng))
      let (xr, xs) = context.siamese(real, masked, rng: &rng)
      let realMean = GradMode.withoutGradients {
        net.features(xr, with: theta, training: true, upToBlock: lastBlock)
          .flattenedRows().mean(axes: [0]).detached()
      }
      let synMean = net.features(xs, with: theta, training: true, upToBlock: lastBlock)
        .flattenedRows().mean(axes: [0])
      let loss = (realMean - synMean).square().sum()
      total += loss.scalar
      let g = gradients(of: loss, wrt: [leaf])[0].value
      addRows(&grad, g, at: rows.lowerBound)
    }
    return IterationGradient(loss: total, images: grad)
  }
}

/// Rows `rows` of x [N, …] as a new array.
func sliceRows(_ x: NDArray, _ rows: Range<Int>) -> NDArray {
  x.slice(lower: [rows.lowerBound] + Array(repeating: 0, count: x.rank - 1),
    upper: [rows.upperBound] + Array(x.shape.dropFirst()))
}

/// target[start + i] += rows[i] for the rows of `rows`.
func addRows(_ target: inout NDArray, _ rows: NDArray, at start: Int) {
  let width = rows.count / max(rows.shape[0], 1)
  rows.withUnsafeBufferPointer { src in
    target.withUnsafeMutableBufferPointer { dst in
      let base = start * width
      for i in 0..<src.count { dst[base + i] += src[i] }
    }
  }
}

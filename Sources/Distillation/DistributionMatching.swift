import Autodiff
import NN
import TensorCore

/// DM (docs/ALGORITHMS.md §6): in a fresh random network, match each class's mean embedding of real
/// and synthetic images under one shared augmentation:
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
    let (total, grad) = context.sumOverClasses(images, ratio: ratio, rng: &rng) { _, xr, xs in
      let realMean = GradMode.withoutGradients {
        net.features(xr, with: theta, training: true, upToBlock: lastBlock)
          .flattenedRows().mean(axes: [0]).detached()
      }
      let synMean = net.features(xs, with: theta, training: true, upToBlock: lastBlock)
        .flattenedRows().mean(axes: [0])
      return (realMean - synMean).square().sum()
    }
    return IterationGradient(loss: total, images: grad)
  }
}

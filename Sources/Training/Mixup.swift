import TensorCore

/// Mixup (Zhang et al., 2018) as the calibration paper's baseline uses it
/// (docs/ALGORITHMS.md §2.3).
public enum Mixup {
  /// x̃ = λ·x + (1 − λ)·x[perm] with λ ~ Beta(α, α) and a random permutation of the batch.
  ///
  /// Any α works: tiny ones give λ of 0 or 1 (the limit α → 0, also taken for α ≤ 0, which
  /// a Float conversion of a tiny Double produces, and for NaN), huge ones λ near ½.
  /// - Returns: the blended batch [N, …], λ, and the permutation (labels mix the same way).
  public static func blend(_ x: NDArray, alpha: Float, rng: inout RandomStream)
    -> (NDArray, Float, [Int])
  {
    let shape =
      alpha.isNaN || alpha <= 0
      ? Double.leastNonzeroMagnitude : min(Double(alpha), Double.greatestFiniteMagnitude)
    let lambda = Float(rng.beta(shape, shape))
    let perm = rng.permutation(x.shape[0])
    let blended = x * lambda + x.gatherRows(perm) * (1 - lambda)
    return (blended, lambda, perm)
  }
}

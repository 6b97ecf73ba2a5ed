import Autodiff
import TensorCore

/// Functional layers: each takes its parameters explicitly.
public enum Layers {
  /// y = x Wᵀ + b: x [N, in], weight [out, in], bias [out] → [N, out].
  public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let y = x.matmul(weight, transposeOther: true)
    return bias.map { y + $0 } ?? y
  }

  /// Instance normalisation (GroupNorm with one group per channel, docs/ALGORITHMS.md §1.1): per
  /// sample and channel, x̂ = (x − μ) / √(σ² + ε) over H×W with the biased variance, then γ x̂ + β.
  /// x [N, C, H, W], gamma and beta [C].
  public static func instanceNorm(_ x: Tensor, gamma: Tensor?, beta: Tensor?, eps: Float = 1e-5)
    -> Tensor
  {
    affine(x.instanceStandardized(eps: eps), gamma: gamma, beta: beta)
  }

  /// Batch normalisation over N×H×W per channel with batch statistics (training) or the given
  /// running statistics (evaluation). x [N, C, H, W]; statistics [C].
  public static func batchNorm(
    _ x: Tensor, gamma: Tensor?, beta: Tensor?, mean: NDArray?, variance: NDArray?,
    eps: Float = 1e-5
  ) -> Tensor {
    let c = x.shape[1]
    let normalized: Tensor
    if let mean, let variance {
      let m = Tensor(mean.reshaped([1, c, 1, 1]))
      let v = Tensor(variance.reshaped([1, c, 1, 1]))
      normalized = (x - m) / (v + eps).sqrt()
    } else {
      let centered = x - x.mean(axes: [0, 2, 3], keepDims: true)
      let v = centered.square().mean(axes: [0, 2, 3], keepDims: true)
      normalized = centered / (v + eps).sqrt()
    }
    return affine(normalized, gamma: gamma, beta: beta)
  }

  private static func affine(_ x: Tensor, gamma: Tensor?, beta: Tensor?) -> Tensor {
    let c = x.shape[1]
    var y = x
    if let gamma { y = y * gamma.reshaped([1, c, 1, 1]) }
    if let beta { y = y + beta.reshaped([1, c, 1, 1]) }
    return y
  }
}

import Autodiff
import TensorCore

/// Classification and regression losses, each a mean over the batch.
public enum Losses {
  /// Cross-entropy with hard labels: −(1/N) Σᵢ log softmax(zᵢ)[yᵢ]. logits [N, K], labels in 0..<K.
  public static func crossEntropy(_ logits: Tensor, labels: [Int]) -> Tensor {
    -pickLabels(logits.logSoftmax(), labels).mean()
  }

  /// Cross-entropy with soft targets [N, K] (rows summing to 1): −(1/N) Σᵢ Σₖ tᵢₖ log pᵢₖ.
  public static func crossEntropy(_ logits: Tensor, targets: Tensor) -> Tensor {
    -(targets * logits.logSoftmax()).sum(axes: [1]).mean()
  }

  /// Label smoothing (Szegedy et al., 2016) on log-probabilities:
  /// (1 − ε)·NLL + ε·(1/K) Σₖ −log pₖ. (The reference fork applies it to raw logits — a bug.)
  public static func labelSmoothing(_ logits: Tensor, labels: [Int], epsilon: Float) -> Tensor {
    let logp = logits.logSoftmax()
    let nll = -pickLabels(logp, labels).mean()
    let uniform = -logp.mean(axes: [1]).mean()
    return nll * (1 - epsilon) + uniform * epsilon
  }

  /// Focal loss (Lin et al., 2017; Mukhoti et al., 2020 for calibration):
  /// −(1/N) Σᵢ (1 − pᵢ)^γ log pᵢ with pᵢ the probability of the true class.
  public static func focal(_ logits: Tensor, labels: [Int], gamma: Float) -> Tensor {
    let logp = pickLabels(logits.logSoftmax(), labels)
    let weight = (1 - logp.exp()).relu().pow(gamma)
    return -(weight * logp).mean()
  }

  /// Mean squared error: (1/numel) Σ (a − b)².
  public static func mse(_ a: Tensor, _ b: Tensor) -> Tensor { (a - b).square().mean() }

  /// logp[i, labels[i]] for each row: [N].
  public static func pickLabels(_ logp: Tensor, _ labels: [Int]) -> Tensor {
    let k = logp.shape[1]
    let indices = labels.enumerated().map { Int32($0.offset * k + $0.element) }
    return logp.gatherFlat(indices, shape: [labels.count])
  }
}

import Autodiff
import NN
import TensorCore

/// Gradients through T unrolled steps of SGD with heavy-ball momentum (RTP's inner loop,
/// docs/ALGORITHMS.md §16.3), in memory that does not grow with T beyond the T + 1 parameter
/// vectors.
///
/// Forward, PyTorch's SGD without dampening or Nesterov (v₀ = 0, so the first velocity is g₀):
///
///     gₜ = ∇w ℓₜ(wₜ, x),   vₜ₊₁ = μ vₜ + gₜ,   wₜ₊₁ = wₜ − η vₜ₊₁.
///
/// Reverse, from w̄ = ∂L/∂w_T and the velocity adjoint v̄ = 0, for t = T − 1 … 0:
///
///     v̄ ← v̄ − η w̄,   w̄ ← w̄ + Hₜ v̄,   x̄ += ∂⟨gₜ, v̄⟩/∂x,   v̄ ← μ v̄,
///
/// where one double backward of ⟨gₜ, v̄⟩ at the recomputed step graph gives both Hₜ v̄ and the
/// mixed product. The velocities are never stored: only w̄ and v̄ travel backwards. With μ = 0
/// this is `gradients(start:steps:learningRate:inputs:chunks:stepLoss:finalLoss:)` without the
/// step-size gradient.
extension UnrolledSGD {
  /// The result of one unrolled momentum forward and reverse pass.
  public struct MomentumResult {
    /// The final loss L(w_T).
    public var loss: Float
    /// ∂L/∂input for each tensor in `inputs`.
    public var inputGradients: [NDArray]
    /// w_T.
    public var final: ParameterSet
  }

  /// - Parameters:
  ///   - start: w₀ (values are copied; no graph is kept).
  ///   - steps: T ≥ 0.
  ///   - learningRate: η.
  ///   - momentum: μ ∈ [0, 1).
  ///   - inputs: leaves requiring gradients that the step losses read.
  ///   - chunks: each step loss is the sum of this many parts ℓₜ = Σ_c ℓₜ,c, built one graph at
  ///     a time (memory of one part; the result does not depend on the split).
  ///   - stepLoss: ℓₜ,c at the given parameters; the same function of (t, c, w, inputs) on every
  ///     call (seed randomness by t), because the reverse pass calls it again.
  ///   - finalGradient: L(w_T) and ∂L/∂w_T (one array per parameter), computed however the
  ///     caller likes (e.g. over sub-batches); L must not depend on `inputs`.
  public static func gradients(
    start: ParameterSet, steps: Int, learningRate eta: Float, momentum mu: Float,
    inputs: [Tensor], chunks: Int,
    stepLoss: (_ step: Int, _ chunk: Int, _ parameters: ParameterSet) -> Tensor,
    finalGradient: (ParameterSet) -> (loss: Float, gradient: [NDArray])
  ) -> MomentumResult {
    let trajectory = momentumTrajectory(
      start: start, steps: steps, learningRate: eta, momentum: mu, chunks: chunks,
      stepLoss: stepLoss)
    let final = start.replacing(trajectory[steps].map { Tensor($0) })
    let (loss, gradient) = finalGradient(final)
    var weightAdjoint = gradient
    var velocityAdjoint = weightAdjoint.map { NDArray.zeros($0.shape) }
    var inputGrads = inputs.map { NDArray.zeros($0.shape) }
    for t in stride(from: steps - 1, through: 0, by: -1) {
      for i in velocityAdjoint.indices { velocityAdjoint[i].addScaled(weightAdjoint[i], -eta) }
      let theta = start.replacing(trajectory[t].map { Tensor($0, requiresGrad: true) })
      for c in 0..<chunks {
        let g = Autodiff.gradients(of: stepLoss(t, c, theta), wrt: theta.tensors, createGraph: true)
        var inner: Tensor?
        for (gi, vi) in zip(g, velocityAdjoint) {
          let term = (gi * Tensor(vi)).sum()
          inner = inner.map { $0 + term } ?? term
        }
        guard let inner else { continue }
        let second = Autodiff.gradients(of: inner, wrt: theta.tensors + inputs)
        for i in weightAdjoint.indices { weightAdjoint[i].addScaled(second[i].value, 1) }
        for j in inputs.indices { inputGrads[j].addScaled(second[theta.count + j].value, 1) }
      }
      for i in velocityAdjoint.indices { velocityAdjoint[i] = velocityAdjoint[i] * mu }
    }
    return MomentumResult(loss: loss, inputGradients: inputGrads, final: final)
  }

  /// w₀ … w_T of the forward pass; the velocity lives only as long as the loop.
  static func momentumTrajectory(
    start: ParameterSet, steps: Int, learningRate eta: Float, momentum mu: Float, chunks: Int,
    stepLoss: (_ step: Int, _ chunk: Int, _ parameters: ParameterSet) -> Tensor
  ) -> [[NDArray]] {
    var trajectory: [[NDArray]] = [start.values]
    var velocity = start.values.map { NDArray.zeros($0.shape) }
    for t in 0..<steps {
      let theta = start.replacing(trajectory[t].map { Tensor($0, requiresGrad: true) })
      for i in velocity.indices { velocity[i] = velocity[i] * mu }
      for c in 0..<chunks {
        let grads = Autodiff.gradients(of: stepLoss(t, c, theta), wrt: theta.tensors)
        for i in velocity.indices { velocity[i].addScaled(grads[i].value, 1) }
      }
      var next = trajectory[t]
      for i in next.indices { next[i].addScaled(velocity[i], -eta) }
      trajectory.append(next)
    }
    return trajectory
  }
}

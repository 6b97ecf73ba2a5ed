import Autodiff
import NN
import TensorCore

/// Gradients through N unrolled SGD steps θₜ₊₁ = θₜ − η ∇θ ℓₜ(θₜ, x), in memory that does
/// not grow with N (MTT's student, docs/ALGORITHMS.md §7.3).
///
/// The forward pass keeps only the parameter values θ₀…θ_N. The reverse pass revisits the
/// steps from last to first, rebuilding one step's graph at a time: with λ = ∂L/∂θₜ₊₁ and
/// gₜ = ∇θ ℓₜ, one double-backward of ⟨gₜ, λ⟩ gives the Hessian-vector product Hₜλ and the
/// mixed product ∂⟨gₜ, λ⟩/∂x, so λ ← λ − η Hₜλ, ∂L/∂x −= η ∂⟨gₜ, λ⟩/∂x and
/// ∂L/∂η −= ⟨gₜ, λ⟩. This equals back-propagating through the whole unrolled graph.
public enum UnrolledSGD {
  /// The result of one unrolled forward and reverse pass.
  public struct Result {
    /// The final loss L(θ_N).
    public var loss: Float
    /// ∂L/∂input for each tensor in `inputs`.
    public var inputGradients: [NDArray]
    /// ∂L/∂η.
    public var learningRateGradient: Float
    /// θ_N.
    public var final: ParameterSet
  }

  /// - Parameters:
  ///   - start: θ₀ (values are copied; no graph is kept).
  ///   - steps: N.
  ///   - learningRate: η.
  ///   - inputs: leaves requiring gradients that the step losses read (e.g. synthetic images).
  ///   - stepLoss: ℓₜ at the given parameters; must be the same function of (t, θ, inputs) on
  ///     every call (seed any randomness by t), because the reverse pass calls it again.
  ///   - finalLoss: L(θ_N), a scalar.
  public static func gradients(
    start: ParameterSet, steps: Int, learningRate: Float, inputs: [Tensor],
    stepLoss: (_ step: Int, _ parameters: ParameterSet) -> Tensor,
    finalLoss: (ParameterSet) -> Tensor
  ) -> Result {
    gradients(
      start: start, steps: steps, learningRate: learningRate, inputs: inputs, chunks: 1,
      stepLoss: { t, _, theta in stepLoss(t, theta) }, finalLoss: finalLoss)
  }

  /// The same, with each step loss a sum of `chunks` parts ℓₜ = Σ_c ℓₜ,c (e.g. a mean over a
  /// mini-batch split into sub-batches, each part weighted by its share). Every product is
  /// linear in ℓₜ, so the reverse pass builds one part's graph at a time: peak memory is
  /// that of one sub-batch, and the result is the same.
  public static func gradients(
    start: ParameterSet, steps: Int, learningRate: Float, inputs: [Tensor], chunks: Int,
    stepLoss: (_ step: Int, _ chunk: Int, _ parameters: ParameterSet) -> Tensor,
    finalLoss: (ParameterSet) -> Tensor
  ) -> Result {
    var trajectory: [[NDArray]] = [start.values]
    for t in 0..<steps {
      let theta = start.replacing(trajectory[t].map { Tensor($0, requiresGrad: true) })
      var next = trajectory[t]
      for c in 0..<chunks {
        let g = Autodiff.gradients(of: stepLoss(t, c, theta), wrt: theta.tensors)
        for i in next.indices { next[i].addScaled(g[i].value, -learningRate) }
      }
      trajectory.append(next)
    }
    let thetaN = start.replacing(trajectory[steps].map { Tensor($0, requiresGrad: true) })
    let final = finalLoss(thetaN)
    var lambda = Autodiff.gradients(of: final, wrt: thetaN.tensors).map(\.value)
    var inputGrads = inputs.map { NDArray.zeros($0.shape) }
    var etaGrad = 0.0
    for t in stride(from: steps - 1, through: 0, by: -1) {
      let theta = start.replacing(trajectory[t].map { Tensor($0, requiresGrad: true) })
      var hessianLambda = lambda.map { NDArray.zeros($0.shape) }
      for c in 0..<chunks {
        let g = Autodiff.gradients(of: stepLoss(t, c, theta), wrt: theta.tensors, createGraph: true)
        var inner: Tensor?
        for (gi, li) in zip(g, lambda) {
          let term = (gi * Tensor(li)).sum()
          inner = inner.map { $0 + term } ?? term
        }
        guard let inner else { continue }
        etaGrad -= Double(inner.scalar)
        let second = Autodiff.gradients(of: inner, wrt: theta.tensors + inputs)
        for i in lambda.indices { hessianLambda[i].addScaled(second[i].value, 1) }
        for j in inputs.indices {
          inputGrads[j].addScaled(second[theta.count + j].value, -learningRate)
        }
      }
      for i in lambda.indices { lambda[i].addScaled(hessianLambda[i], -learningRate) }
    }
    return Result(
      loss: final.scalar, inputGradients: inputGrads, learningRateGradient: Float(etaGrad),
      final: start.replacing(trajectory[steps].map { Tensor($0) }))
  }
}

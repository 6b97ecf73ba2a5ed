import TensorCore

extension Tensor {
  /// Instance standardisation of x [N, C, H, W]: x̂ = (x − μ)·s, s = 1/√(σ² + ε), with μ and
  /// the biased σ² over each H×W plane (GroupNorm with one group per channel, SPEC §1).
  ///
  /// One fused kernel computes the forward pass. The adjoint
  /// ∂x = s ⊙ (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) is written in Tensor ops over x̂ and s, and s is
  /// itself a graph node of x (∂s/∂x = −s³ (x − μ)/M), so second derivatives are exact.
  public func instanceStandardized(eps: Float = 1e-5) -> Tensor {
    let x = self
    let axes = Array(2..<rank)
    let m = Float(shape[2...].reduce(1, *))
    let (normalized, inverseStd) = value.standardizedPlanes(eps: eps)
    let scale = Tensor.record(inverseStd, parents: [x], op: "inverseStd") { gs, s in
      [-(s.pow(3) * gs) * (x - x.mean(axes: axes, keepDims: true)) * (1 / m)]
    }
    return Tensor.record(normalized, parents: [x], op: "instanceStandardize") { g, xhat in
      if !GradMode.isEnabled {
        // First order only: the same formula as below, fused into one pass per plane.
        return [
          Tensor(
            NDArray.standardizedPlanesBackward(
              g.value, normalized: xhat.value, inverseStd: inverseStd))
        ]
      }
      let centered = g - g.mean(axes: axes, keepDims: true)
      let projection = xhat * (g * xhat).mean(axes: axes, keepDims: true)
      return [scale * (centered - projection)]
    }
  }
}

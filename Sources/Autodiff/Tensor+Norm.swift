import TensorCore

extension Tensor {
  /// Instance standardisation of x [N, C, H, W]: x̂ = (x − μ)·s, s = 1/√(σ² + ε), with μ and
  /// the biased σ² over each H×W plane (GroupNorm with one group per channel,
  /// docs/ALGORITHMS.md §1.1).
  ///
  /// One fused kernel computes the forward pass. The adjoint
  /// ∂x = s ⊙ (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) is written in Tensor ops over x̂ and s, and s is
  /// itself a graph node of x (∂s/∂x = −s³ (x − μ)/M), so second derivatives are exact.
  public func instanceStandardized(eps: Float = 1e-5) -> Tensor {
    instanceStandardizedWithScale(eps: eps).normalized
  }

  /// x̂ and s of `instanceStandardized`, both graph nodes of x.
  func instanceStandardizedWithScale(eps: Float) -> (normalized: Tensor, inverseStd: Tensor) {
    let x = self
    let axes = Array(2..<rank)
    let m = Float(shape[2...].reduce(1, *))
    let (normalized, inverseStd) = value.standardizedPlanes(eps: eps)
    let scale = Tensor.record(inverseStd, parents: [x], op: "inverseStd") { gs, s in
      [-(s.pow(3) * gs) * (x - x.mean(axes: axes, keepDims: true)) * (1 / m)]
    }
    let xhat = Tensor.record(normalized, parents: [x], op: "instanceStandardize") { g, xhat in
      if !GradMode.isEnabled {
        // First order only: the same formula as below, fused into one pass per plane.
        return [
          Tensor(
            NDArray.standardizedPlanesBackward(
              g.value, normalized: xhat.value, inverseStd: inverseStd))
        ]
      }
      return [Tensor.standardizeAdjoint(g, normalized: xhat, inverseStd: scale)]
    }
    return (xhat, scale)
  }

  /// ∂x = s ⊙ (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)), means over the axes after the first two.
  static func standardizeAdjoint(_ g: Tensor, normalized xhat: Tensor, inverseStd s: Tensor)
    -> Tensor
  {
    let axes = Array(2..<g.rank)
    let centered = g - g.mean(axes: axes, keepDims: true)
    let projection = xhat * (g * xhat).mean(axes: axes, keepDims: true)
    return s * (centered - projection)
  }

  /// ConvNet's block after the convolution, fused: pool(relu(instanceNorm(x)·γ + β)) for
  /// x [N, C, H, W] and γ, β [C], with 2×2 average pooling when `pool` (docs/ALGORITHMS.md §1.1).
  ///
  /// Forward and first-order backward are one kernel pass each (see `NormReLUPoolKernel`).
  /// When the backward itself is recorded (second order), its three outputs are graph nodes
  /// of (gy, x, γ) whose adjoints are again fused kernels; a third derivative falls back to
  /// the unfused composite's adjoint in Tensor ops, so every order is exact.
  public func instanceNormReLUPool(gamma: Tensor, beta: Tensor, pool: Bool, eps: Float = 1e-5)
    -> Tensor
  {
    let x = self
    let (out, mean, inverseStd) = value.instanceNormReLUPool(
      gamma: gamma.value, beta: beta.value, pool: pool, eps: eps)
    return Tensor.record(out, parents: [x, gamma, beta], op: "instanceNormReLUPool") { g, _ in
      let (gx, gGamma, gBeta) = NDArray.instanceNormReLUPoolBackward(
        g.value, x: x.value, gamma: gamma.value, beta: beta.value, mean: mean,
        inverseStd: inverseStd, pool: pool)
      if !GradMode.isEnabled { return [Tensor(gx), Tensor(gGamma), Tensor(gBeta)] }
      let block = NormReLUPoolBlock(
        x: x, gamma: gamma, beta: beta, pool: pool, eps: eps, mean: mean, inverseStd: inverseStd)
      return zip([gx, gGamma, gBeta], 0...).map { value, output in
        Tensor.record(value, parents: [g, x, gamma], op: "instanceNormReLUPoolBackward") { u, _ in
          block.adjoint(of: output, u, upstream: g)
        }
      }
    }
  }
}

/// One `instanceNormReLUPool` call, for the adjoints of its recorded backward.
private struct NormReLUPoolBlock {
  let x, gamma, beta: Tensor
  let pool: Bool
  let eps: Float
  let mean, inverseStd: [Float]

  /// Gradients (gy, x, γ) of ⟨u, output⟩ for output 0, 1, 2 = ∂x, ∂γ, ∂β of the backward.
  func adjoint(of output: Int, _ u: Tensor, upstream g: Tensor) -> [Tensor?] {
    if GradMode.isEnabled {
      // Third order: differentiate the composite adjoint. It is built on identity proxies of
      // gy, x and γ so the gradients are partial ones (gy itself depends on x); the pass
      // also walks the graph behind them, wasted but rare.
      let proxies = [g, x, gamma].map { t in
        Tensor.record(t.value, parents: [t], op: "identity") { gradient, _ in [gradient] }
      }
      let composite = NormReLUPoolBlock(
        x: proxies[1], gamma: proxies[2], beta: beta, pool: pool, eps: eps, mean: mean,
        inverseStd: inverseStd
      ).compositeBackward(proxies[0])[output]
      return gradients(of: composite, wrt: proxies, seed: u, createGraph: true)
    }
    let (dg, dx, dGamma) = NDArray.instanceNormReLUPoolBackwardAdjoint(
      x: output == 0 ? u.value : nil, gamma: output == 1 ? u.value : nil,
      beta: output == 2 ? u.value : nil, gy: g.value, input: x.value, gamma: gamma.value,
      beta: beta.value, mean: mean, inverseStd: inverseStd, pool: pool)
    return [Tensor(dg), dx.map { Tensor($0) }, dGamma.map { Tensor($0) }]
  }

  /// The backward (∂x, ∂γ, ∂β) as the unfused composite's adjoint in Tensor ops over a
  /// recomputed x̂ and s.
  func compositeBackward(_ g: Tensor) -> [Tensor] {
    let c = x.shape[1]
    let (xhat, s) = x.instanceStandardizedWithScale(eps: eps)
    let gammaC = gamma.reshaped([1, c, 1, 1])
    // The ReLU's gate: its input z, a constant (its derivative is zero almost everywhere).
    let z = Tensor(xhat.value * gammaC.value + beta.value.reshaped([1, c, 1, 1]))
    let upstream = pool ? Tensor.avgPool2dBackward(g, inputShape: x.shape, kernel: 2, stride: 2) : g
    let gz = upstream.gated(by: z)
    return [
      Tensor.standardizeAdjoint(gz * gammaC, normalized: xhat, inverseStd: s),
      (gz * xhat).sum(axes: [0, 2, 3]),
      gz.sum(axes: [0, 2, 3]),
    ]
  }
}

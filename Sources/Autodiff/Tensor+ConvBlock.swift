import TensorCore

extension Tensor {
  /// ConvNet's first block on a constant input, fused:
  /// pool(relu(instanceNorm(conv2d(x, w, b))·γ + β)), x [N, C, H, W] not requiring a
  /// gradient, w [O, C, KH, KW], b, γ, β [O] (docs/ALGORITHMS.md §1). Equal to `conv2d` followed by
  /// `instanceNormReLUPool`, without the convolution's output ever in memory: forward and
  /// first-order backward run one image at a time in cache (see `ConvNormReLUPoolKernel`).
  ///
  /// When the backward itself is recorded (second order), it is the unfused composite's
  /// adjoint in Tensor ops, so every order is exact.
  public func convInstanceNormReLUPool(
    filter: Tensor, bias: Tensor, gamma: Tensor, beta: Tensor, stride: Int = 1,
    padding: Int, pool: Bool, eps: Float = 1e-5
  ) -> Tensor {
    precondition(!requiresGrad, "convInstanceNormReLUPool: the input must be constant")
    let x = self
    let (out, mean, inverseStd) = value.convInstanceNormReLUPool(
      filter.value, bias: bias.value, gamma: gamma.value, beta: beta.value, stride: stride,
      padding: padding, pool: pool, eps: eps)
    let parents = [filter, bias, gamma, beta]
    return Tensor.record(out, parents: parents, op: "convInstanceNormReLUPool") { g, _ in
      if GradMode.isEnabled {
        // The pass also walks the graph behind the parameters: wasted, but only a
        // second-order pass through a constant-input block gets here.
        let composite = x.conv2d(filter, bias: bias, stride: stride, padding: padding)
          .instanceNormReLUPool(gamma: gamma, beta: beta, pool: pool, eps: eps)
        return gradients(of: composite, wrt: parents, seed: g, createGraph: true)
      }
      let grads = NDArray.convInstanceNormReLUPoolBackward(
        g.value, input: x.value, filter: filter.value, bias: bias.value, gamma: gamma.value,
        beta: beta.value, stride: stride, padding: padding, mean: mean,
        inverseStd: inverseStd, pool: pool)
      return [grads.filter, grads.bias, grads.gamma, grads.beta].map { Tensor($0) }
    }
  }
}

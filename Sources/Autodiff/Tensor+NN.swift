import TensorCore

// MARK: - Matrix product

extension Tensor {
  /// op(self) · op(other) for 2-D tensors, op = transpose when the flag is set.
  /// Adjoints (C = AB): ∂A = G Bᵀ, ∂B = Aᵀ G, with the transposed cases derived likewise.
  public func matmul(
    _ other: Tensor, transposeSelf ta: Bool = false, transposeOther tb: Bool = false
  )
    -> Tensor
  {
    let a = self
    let b = other
    let out = a.value.matmul(b.value, transposeSelf: ta, transposeOther: tb)
    return Tensor.record(out, parents: [a, b], op: "matmul") { g, _ in
      let ga: Tensor
      let gb: Tensor
      switch (ta, tb) {
      case (false, false):
        ga = g.matmul(b, transposeOther: true)
        gb = a.matmul(g, transposeSelf: true)
      case (true, false):
        ga = b.matmul(g, transposeOther: true)
        gb = a.matmul(g)
      case (false, true):
        ga = g.matmul(b)
        gb = g.matmul(a, transposeSelf: true)
      case (true, true):
        ga = b.matmul(g, transposeSelf: true, transposeOther: true)
        gb = g.matmul(a, transposeSelf: true, transposeOther: true)
      }
      return [a.needsGradient ? ga : nil, b.needsGradient ? gb : nil]
    }
  }
}

// MARK: - Convolution (three mutually adjoint primitives)

extension Tensor {
  /// 2-D cross-correlation: self [N, C, H, W], filter [O, C, KH, KW], bias [O] →
  /// [N, O, (H + 2p − KH)/s + 1, (W + 2p − KW)/s + 1].
  public func conv2d(_ filter: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0)
    -> Tensor
  {
    let x = self
    let out = x.value.conv2d(filter.value, bias: bias?.value, stride: stride, padding: padding)
    let parents = [x, filter] + (bias.map { [$0] } ?? [])
    return Tensor.record(out, parents: parents, op: "conv2d") { g, _ in
      let gb = bias.flatMap { $0.needsGradient ? g.sum(axes: [0, 2, 3]) : nil }
      // Both gradients in one call (Winograd transforms g once for the two), recorded as
      // their two ops when a higher derivative will follow.
      let both =
        x.needsGradient && filter.needsGradient
        ? NDArray.conv2dBackward(
          g.value, input: x.value, filter: filter.value, stride: stride, padding: padding) : nil
      let gx =
        x.needsGradient
        ? Tensor.conv2dBackwardInput(
          g, filter: filter, inputShape: x.shape, stride, padding, value: both?.input) : nil
      let gw =
        filter.needsGradient
        ? Tensor.conv2dBackwardFilter(
          x, g, filterShape: filter.shape, stride, padding, value: both?.filter) : nil
      return [gx, gw, gb]
    }
  }

  /// ∂⟨g, conv(x, w)⟩/∂x, linear in g and w. Adjoints: ∂g = conv(dz, w), ∂w = filterGrad(dz, g).
  /// `value`: the result, when already computed (by `NDArray.conv2dBackward`).
  public static func conv2dBackwardInput(
    _ g: Tensor, filter: Tensor, inputShape: [Int], _ stride: Int, _ padding: Int,
    value: NDArray? = nil
  ) -> Tensor {
    let out =
      value
      ?? NDArray.conv2dBackwardInput(
        g.value, filter: filter.value, inputShape: inputShape, stride: stride, padding: padding)
    return Tensor.record(out, parents: [g, filter], op: "conv2dBackwardInput") { dz, _ in
      [
        g.needsGradient ? dz.conv2d(filter, stride: stride, padding: padding) : nil,
        filter.needsGradient
          ? conv2dBackwardFilter(dz, g, filterShape: filter.shape, stride, padding) : nil,
      ]
    }
  }

  /// ∂⟨g, conv(x, w)⟩/∂w, bilinear in x and g. Adjoints: ∂x = inputGrad(g, dz), ∂g = conv(x, dz).
  /// `value`: the result, when already computed (by `NDArray.conv2dBackward`).
  public static func conv2dBackwardFilter(
    _ x: Tensor, _ g: Tensor, filterShape: [Int], _ stride: Int, _ padding: Int,
    value: NDArray? = nil
  ) -> Tensor {
    let out =
      value
      ?? NDArray.conv2dBackwardFilter(
        x.value, g.value, filterShape: filterShape, stride: stride, padding: padding)
    return Tensor.record(out, parents: [x, g], op: "conv2dBackwardFilter") { dz, _ in
      [
        x.needsGradient
          ? conv2dBackwardInput(g, filter: dz, inputShape: x.shape, stride, padding) : nil,
        g.needsGradient ? x.conv2d(dz, stride: stride, padding: padding) : nil,
      ]
    }
  }
}

// MARK: - Pooling and sampling

extension Tensor {
  /// Average pooling, k×k windows, stride s: [N, C, H, W] → [N, C, (H−k)/s+1, (W−k)/s+1].
  public func avgPool2d(kernel k: Int = 2, stride s: Int = 2) -> Tensor {
    let source = shape
    return Tensor.record(value.avgPool2d(kernel: k, stride: s), parents: [self], op: "avgPool") {
      g, _ in [Tensor.avgPool2dBackward(g, inputShape: source, kernel: k, stride: s)]
    }
  }

  /// The adjoint of average pooling (linear); its own adjoint is average pooling.
  public static func avgPool2dBackward(_ g: Tensor, inputShape: [Int], kernel k: Int, stride s: Int)
    -> Tensor
  {
    let out = NDArray.avgPool2dBackward(g.value, inputShape: inputShape, kernel: k, stride: s)
    return Tensor.record(out, parents: [g], op: "avgPoolBackward") { dz, _ in
      [dz.avgPool2d(kernel: k, stride: s)]
    }
  }

  /// Max pooling as a gather of each window's (first) maximum; gradients route to it.
  public func maxPool2d(kernel k: Int = 2, stride s: Int = 2) -> Tensor {
    let (outShape, indices) = value.maxPool2dIndices(kernel: k, stride: s)
    return gatherFlat(indices, shape: outShape)
  }

  /// Bilinear sampling at a constant grid [N, OH, OW, 2] (zeros outside). Differentiable in
  /// self only: DSA's random affine grids carry no gradient.
  public func gridSample(_ grid: NDArray, alignCorners: Bool) -> Tensor {
    let source = shape
    let out = value.gridSample(grid, alignCorners: alignCorners)
    return Tensor.record(out, parents: [self], op: "gridSample") { g, _ in
      [Tensor.gridSampleBackward(g, grid: grid, inputShape: source, alignCorners: alignCorners)]
    }
  }

  /// The adjoint of `gridSample` in the sampled tensor; its own adjoint is `gridSample`.
  public static func gridSampleBackward(
    _ g: Tensor, grid: NDArray, inputShape: [Int], alignCorners: Bool
  ) -> Tensor {
    let out = NDArray.gridSampleBackward(
      g.value, grid: grid, inputShape: inputShape, alignCorners: alignCorners)
    return Tensor.record(out, parents: [g], op: "gridSampleBackward") { dz, _ in
      [dz.gridSample(grid, alignCorners: alignCorners)]
    }
  }
}

// MARK: - Softmax family

extension Tensor {
  /// Row-wise log-softmax of [N, K]: x − m − log Σ exp(x − m), m the (constant) row max.
  public func logSoftmax() -> Tensor {
    let shifted = self - maxDetached(axes: [1])
    return shifted - shifted.exp().sum(axes: [1], keepDims: true).log()
  }

  /// Row-wise softmax of [N, K].
  public func softmax() -> Tensor { logSoftmax().exp() }
}

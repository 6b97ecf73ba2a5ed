extension NDArray {
  /// Matrix product of [m, k] and [k, n] (after the optional transposes) via OpenBLAS.
  public func matmul(_ other: NDArray, transposeSelf: Bool = false, transposeOther: Bool = false)
    -> NDArray
  {
    precondition(rank == 2 && other.rank == 2, "matmul needs 2-D arrays")
    let k1 = transposeSelf ? shape[0] : shape[1]
    let k2 = transposeOther ? other.shape[1] : other.shape[0]
    precondition(k1 == k2, "matmul inner extents \(shape) × \(other.shape)")
    return MatmulKernel.run(self, other, transA: transposeSelf, transB: transposeOther)
  }

  /// GEMM into a block of rows: rows `row..<row + m` of this [M, n] matrix become
  /// `alpha · op(a) · op(b) + beta · (their values)`, with op(a) [m, k] and op(b) [k, n]
  /// after the optional transposes. With `beta` = 0 the old values are never read, so they
  /// may be anything (even NaN). Blocks written one call each (e.g. `rowsPerBlock` rows of a
  /// large product) equal one whole call only up to rounding; the same calls give the same
  /// bits.
  public mutating func addMatmul(
    _ a: NDArray, _ b: NDArray, transposeA: Bool = false, transposeB: Bool = false,
    alpha: Float = 1, beta: Float = 1, atRow row: Int = 0
  ) {
    precondition(rank == 2 && a.rank == 2 && b.rank == 2, "addMatmul needs 2-D arrays")
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(
      k == k2 && n == shape[1] && row >= 0 && row + m <= shape[0],
      "addMatmul \(a.shape) × \(b.shape) into rows \(row)… of \(shape)")
    MatmulKernel.accumulate(
      a, b, transA: transposeA, transB: transposeB, alpha: alpha, beta: beta, into: &self,
      row: row)
  }

  /// 2-D convolution (cross-correlation, as PyTorch): x [N, C, H, W], filter [O, C, KH, KW],
  /// bias [O] → [N, O, OH, OW].
  public func conv2d(_ filter: NDArray, bias: NDArray? = nil, stride: Int = 1, padding: Int = 0)
    -> NDArray
  {
    let g = Self.geometry(shape, filter.shape, stride, padding)
    return ConvKernel.forward(self, filter, bias: bias, g)
  }

  /// The input gradient of conv2d: g [N, O, OH, OW] → [N, C, H, W] (transposed convolution).
  public static func conv2dBackwardInput(
    _ g: NDArray, filter: NDArray, inputShape: [Int], stride: Int, padding: Int
  ) -> NDArray {
    ConvKernel.backwardInput(g, filter, geometry(inputShape, filter.shape, stride, padding))
  }

  /// The filter gradient of conv2d: x [N, C, H, W], g [N, O, OH, OW] → [O, C, KH, KW].
  public static func conv2dBackwardFilter(
    _ x: NDArray, _ g: NDArray, filterShape: [Int], stride: Int, padding: Int
  ) -> NDArray {
    ConvKernel.backwardFilter(x, g, geometry(x.shape, filterShape, stride, padding))
  }

  /// Both gradients of conv2d at once, (input [N, C, H, W], filter [O, C, KH, KW]): equal to
  /// `conv2dBackwardInput` and `conv2dBackwardFilter`; Winograd convolutions transform g once
  /// for both.
  public static func conv2dBackward(
    _ g: NDArray, input x: NDArray, filter: NDArray, stride: Int, padding: Int
  ) -> (input: NDArray, filter: NDArray) {
    let geometry = geometry(x.shape, filter.shape, stride, padding)
    if WinogradKernel.applies(geometry) {
      let (gw, gx) = WinogradKernel.backward(x, g, filter: filter, geometry)
      return (gx!, gw)
    }
    return (
      ConvKernel.backwardInput(g, filter, geometry), ConvKernel.backwardFilter(x, g, geometry)
    )
  }

  static func geometry(_ input: [Int], _ filter: [Int], _ stride: Int, _ padding: Int)
    -> ConvGeometry
  {
    do {
      return try ConvGeometry(input: input, filter: filter, stride: stride, padding: padding)
    } catch {
      preconditionFailure("\(error)")
    }
  }

  /// Average pooling over k×k windows with stride s: [N, C, H, W] → [N, C, (H−k)/s+1, (W−k)/s+1].
  public func avgPool2d(kernel k: Int, stride s: Int) -> NDArray {
    precondition(rank == 4 && shape[2] >= k && shape[3] >= k, "avgPool2d of \(shape)")
    return PoolKernel.averageForward(self, k, s)
  }

  /// The adjoint of `avgPool2d`.
  public static func avgPool2dBackward(
    _ g: NDArray, inputShape: [Int], kernel k: Int, stride s: Int
  )
    -> NDArray
  {
    PoolKernel.averageBackward(g, inputShape: inputShape, k, s)
  }

  /// Flat indices of each k×k window's maximum, and the pooled shape.
  public func maxPool2dIndices(kernel k: Int, stride s: Int) -> (shape: [Int], indices: [Int32]) {
    precondition(rank == 4 && shape[2] >= k && shape[3] >= k, "maxPool2d of \(shape)")
    return PoolKernel.maxIndices(self, k, s)
  }

  /// Bilinear sampling at grid [N, OH, OW, 2] (normalised x, y), zeros outside.
  public func gridSample(_ grid: NDArray, alignCorners: Bool) -> NDArray {
    precondition(rank == 4 && grid.rank == 4 && grid.shape[3] == 2 && grid.shape[0] == shape[0])
    return GridSampleKernel.forward(self, grid: grid, alignCorners: alignCorners)
  }

  /// The adjoint of `gridSample` in the sampled array.
  public static func gridSampleBackward(
    _ g: NDArray, grid: NDArray, inputShape: [Int], alignCorners: Bool
  ) -> NDArray {
    GridSampleKernel.backward(g, grid: grid, inputShape: inputShape, alignCorners: alignCorners)
  }

  /// Row-wise log-softmax of [N, K] logits (max-shifted, so it never overflows).
  public func logSoftmaxRows() -> NDArray {
    precondition(rank == 2, "logSoftmaxRows needs [N, K]")
    let shifted = self - max(axes: [1], keepDims: true)
    let lse = shifted.unary(.exp).sum(axes: [1], keepDims: true).unary(.log)
    return shifted - lse
  }

  /// Row-wise softmax of [N, K] logits.
  public func softmaxRows() -> NDArray { logSoftmaxRows().unary(.exp) }
}

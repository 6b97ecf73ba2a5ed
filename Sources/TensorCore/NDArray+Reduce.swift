extension NDArray {
  /// Sum over `axes` (negative counts from the end). Reduced axes stay as size 1 when
  /// `keepDims`, else they are dropped. Empty `axes` reduces everything.
  public func sum(axes: [Int] = [], keepDims: Bool = false) -> NDArray {
    reduce(.sum, axes: axes, keepDims: keepDims)
  }

  /// Maximum over `axes`; see `sum(axes:keepDims:)`.
  public func max(axes: [Int] = [], keepDims: Bool = false) -> NDArray {
    reduce(.max, axes: axes, keepDims: keepDims)
  }

  /// Mean over `axes`; see `sum(axes:keepDims:)`.
  public func mean(axes: [Int] = [], keepDims: Bool = false) -> NDArray {
    let resolved = resolvedAxes(axes)
    let n = resolved.map { shape[$0] }.reduce(1, *)
    return sum(axes: resolved, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
  }

  func resolvedAxes(_ axes: [Int]) -> [Int] {
    if axes.isEmpty { return Array(0..<rank) }
    guard let resolved = try? Shape.normalizeAxes(axes, rank: rank, op: "reduce") else {
      preconditionFailure("reduce: axes \(axes) out of range for rank \(rank)")
    }
    return resolved
  }

  private func reduce(_ op: ReduceOp, axes: [Int], keepDims: Bool) -> NDArray {
    let resolved = resolvedAxes(axes)
    let kept = ReduceKernel.run(op, self, axes: resolved)
    if keepDims { return kept }
    let dropped = shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
    return kept.reshaped(dropped)
  }

  /// Index of the largest element of each row of a [N, K] array.
  public func argmaxRows() -> [Int] {
    precondition(rank == 2, "argmaxRows needs [N, K], got \(shape)")
    let (n, k) = (shape[0], shape[1])
    return data.withUnsafeBufferPointer { p in
      (0..<n).map { row in
        var best = 0
        for j in 1..<Swift.max(k, 1) where p[row * k + j] > p[row * k + best] { best = j }
        return best
      }
    }
  }
}

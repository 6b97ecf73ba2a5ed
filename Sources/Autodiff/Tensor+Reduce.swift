import TensorCore

extension Tensor {
  /// Sum over `axes` (all when empty); reduced axes are kept as 1 when `keepDims`.
  public func sum(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
    let source = shape
    let resolved = axes.isEmpty ? Array(0..<rank) : axes.map { $0 < 0 ? $0 + rank : $0 }
    let kept = source.enumerated().map { resolved.contains($0.offset) ? 1 : $0.element }
    let out = value.sum(axes: resolved, keepDims: keepDims)
    return Tensor.record(out, parents: [self], op: "sum") { g, _ in
      [g.reshaped(kept).expanded(to: source)]
    }
  }

  /// Mean over `axes` (all when empty).
  public func mean(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
    let resolved =
      axes.isEmpty ? Array(0..<rank) : Array(Set(axes.map { $0 < 0 ? $0 + rank : $0 })).sorted()
    let n = resolved.map { shape[$0] }.reduce(1, *)
    return sum(axes: resolved, keepDims: keepDims) * (1 / Float(max(n, 1)))
  }

  /// Max over `axes` as a constant: used only as a numerical shift (log-sum-exp), where the
  /// gradient through the shift cancels exactly.
  public func maxDetached(axes: [Int], keepDims: Bool = true) -> Tensor {
    Tensor(value.max(axes: axes, keepDims: keepDims))
  }

  /// Σ self ⊙ other over all elements.
  public func dot(_ other: Tensor) -> Tensor { (self * other).sum() }
}

import Autodiff

/// DC's layer-wise gradient distance, 'ours' (distance_wb, docs/ALGORITHMS.md §5.1):
///
///     d(g_s, g_r) = Σ_tensors Σ_rows (1 − ⟨g_r,row, g_s,row⟩ / (‖g_r,row‖ ‖g_s,row‖ + 1e-6)),
///
/// rows of a conv filter [out, in, kh, kw] being its `out` flattened filters and rows of a
/// linear weight its outputs; 1-D tensors (biases, norm γ/β) contribute 0.
public enum MatchingDistance {
  /// d over paired gradient lists (synthetic ones may carry graph; real ones are constants).
  public static func layerwise(synthetic: [Tensor], real: [Tensor]) -> Tensor {
    var total: Tensor? = nil
    for (gs, gr) in zip(synthetic, real) where gs.rank >= 2 {
      let term = rows(gs, gr)
      total = total.map { $0 + term } ?? term
    }
    return total ?? Tensor(scalar: 0)
  }

  private static func rows(_ gs: Tensor, _ gr: Tensor) -> Tensor {
    let s = gs.reshaped([gs.shape[0], gs.count / gs.shape[0]])
    let r = gr.reshaped(s.shape)
    let dot = (s * r).sum(axes: [1])
    // √(Σ + 1e-20): the norm of an all-zero row (a dead unit) would otherwise have an infinite
    // derivative; the shift changes no norm above 1e-10.
    let ns = ((s * s).sum(axes: [1]) + 1e-20).sqrt()
    let nr = (r * r).sum(axes: [1]).sqrt()
    return (1 - dot / (ns * nr + 1e-6)).sum()
  }
}

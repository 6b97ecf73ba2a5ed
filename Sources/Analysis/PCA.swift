import TensorCore

/// Principal component analysis through `GramDecomposition` (double precision, the smaller
/// Gram matrix).
public enum PCA {
  /// The scores of `x` on its first `components` principal axes.
  ///
  /// With X̄ the column-centred input, the axes are the top eigenvectors v of X̄ᵀX̄ (or, when
  /// N < D, vᵢ ∝ X̄ᵀuᵢ from the top eigenvectors u of X̄X̄ᵀ, which costs O(N³) instead of
  /// O(D³)); scores = X̄ V. Each axis is signed so that its largest-magnitude entry is positive
  /// (scikit-learn's `svd_flip(u_based_decision=False)`), which makes the result unique when
  /// the eigenvalues are distinct.
  /// - Parameters:
  ///   - x: [N, D] points.
  ///   - components: Axes to keep, 1 ≤ components ≤ min(N, D).
  /// - Returns: [N, components], the scores in decreasing order of variance.
  /// - Throws: `AnalysisError` for a non-matrix, non-finite input or too many components;
  ///   `LinalgError` when LAPACK fails.
  public static func scores(_ x: NDArray, components: Int) throws -> NDArray {
    guard x.rank == 2 else { throw AnalysisError.notMatrix(what: "pca", shape: x.shape) }
    guard x.isFinite else { throw AnalysisError.nonFiniteInput(what: "pca") }
    let (n, d) = (x.shape[0], x.shape[1])
    guard components >= 1, components <= min(n, d) else {
      throw AnalysisError.invalidOption(
        name: "components", value: "\(components)", expected: "1...\(min(n, d))")
    }
    let centred = x - x.mean(axes: [0], keepDims: true)
    return centred.matmul(try principalAxes(centred, components: components))
  }

  /// [D, components]: unit principal axes of the centred `x`, signed as documented above.
  static func principalAxes(_ x: NDArray, components k: Int) throws -> NDArray {
    let decomposition = try GramDecomposition(x)
    let top = decomposition.topVectors(k)
    // Left singular vectors u give the axes X̄ᵀu (up to their length, fixed below).
    let raw = decomposition.side == .columns ? top : x.matmul(top, transposeSelf: true)
    let d = x.shape[1]
    var axes = [Float](repeating: 0, count: d * k)
    for c in 0..<k {
      var axis = (0..<d).map { Double(raw.data[$0 * k + c]) }
      let norm = axis.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let largest = axis.indices.max { abs(axis[$0]) < abs(axis[$1]) } ?? 0
      let scale = (axis[largest] < 0 ? -1 : 1) / (norm > 0 ? norm : 1)
      axis = axis.map { $0 * scale }
      for r in 0..<d { axes[r * k + c] = Float(axis[r]) }
    }
    return NDArray(shape: [d, k], data: axes)
  }
}

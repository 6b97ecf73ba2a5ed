import Foundation
import TensorCore

/// The SVD of X [m, n] read off the eigendecomposition of its smaller Gram matrix, in double
/// precision: XᵀX = V Λ Vᵀ (m ≥ n) or XXᵀ = U Λ Uᵀ (m < n), σᵢ = √max(λᵢ, 0).
struct GramDecomposition {
  /// Which side the eigenvectors span: right singular vectors (XᵀX) or left ones (XXᵀ).
  let side: GramSide
  /// Eigenvalues, ascending (LAPACK's order).
  let eigenvalues: [Double]
  /// Row-major eigenvectors, column j for `eigenvalues[j]`.
  let eigenvectors: [Double]
  /// The Gram matrix's order.
  let order: Int

  /// Decomposes X; `vectors: false` keeps only the singular values (no `removingTop`).
  init(_ x: NDArray, vectors: Bool = true) throws {
    side = x.shape[0] >= x.shape[1] ? .columns : .rows
    order = side == .columns ? x.shape[1] : x.shape[0]
    let gram = try Linalg.gram(x, side)
    (eigenvalues, eigenvectors) = try Linalg.symmetricEigen(gram, n: order, vectors: vectors)
  }

  /// σ₁ ≥ σ₂ ≥ …, `order` of them.
  var singularValues: [Double] { eigenvalues.reversed().map { max($0, 0).squareRoot() } }

  /// The eigenvectors of the k largest eigenvalues as Float32 columns [order, k].
  func topVectors(_ k: Int) -> NDArray {
    var out = [Float](repeating: 0, count: order * k)
    for c in 0..<k {
      let column = order - 1 - c
      for r in 0..<order { out[r * k + c] = Float(eigenvectors[r * order + column]) }
    }
    return NDArray(shape: [order, k], data: out)
  }

  /// X − Σ_{i≤k} σᵢ uᵢ vᵢᵀ: X minus its projection on the top k right singular vectors,
  /// X − (X V_k) V_kᵀ, or on the top k left ones, X − U_k (U_kᵀ X).
  func removingTop(_ k: Int, from x: NDArray) -> NDArray {
    let basis = topVectors(k)
    let projection: NDArray
    switch side {
    case .columns: projection = x.matmul(basis).matmul(basis, transposeOther: true)
    case .rows: projection = basis.matmul(basis.matmul(x, transposeSelf: true))
    }
    return x - projection
  }
}

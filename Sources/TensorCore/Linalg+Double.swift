import CBLAS

/// Which Gram matrix of A [m, n] to form.
public enum GramSide: Sendable {
  /// AᵀA, [n, n] (the columns' inner products).
  case columns
  /// AAᵀ, [m, m] (the rows' inner products).
  case rows
}

/// Double-precision routines for spectra of Float32 data, where squaring the condition number
/// in Float32 would lose the small singular values.
extension Linalg {
  /// Rows of A converted to Double per block, so the Gram matrix of a large A needs only one
  /// block of Double at a time.
  static let gramBlockRows = 2048

  /// The Gram matrix AᵀA or AAᵀ of a Float32 matrix, accumulated in Double (BLAS `dsyrk`/`dgemm`
  /// on blocks of rows converted to Double). Row-major, both triangles filled.
  /// - Parameters:
  ///   - a: [m, n], finite.
  ///   - side: `.columns` for AᵀA [n, n], `.rows` for AAᵀ [m, m].
  /// - Throws: `LinalgError` for a non-matrix, non-finite input or sizes beyond 32 bits.
  public static func gram(_ a: NDArray, _ side: GramSide) throws -> [Double] {
    let op = "gram"
    guard a.rank == 2 else { throw LinalgError.notMatrix(op: op, shape: a.shape) }
    guard a.isFinite else { throw LinalgError.nonFinite(op: op) }
    let (m, n) = (a.shape[0], a.shape[1])
    guard m < Int(Int32.max), n < Int(Int32.max) else {
      throw LinalgError.tooLarge(op: op, shape: a.shape)
    }
    switch side {
    case .columns: return columnGram(a.data, rows: m, columns: n)
    case .rows: return rowGram(a.data, rows: m, columns: n)
    }
  }

  /// AᵀA = Σ over row blocks B of BᵀB.
  private static func columnGram(_ data: [Float], rows m: Int, columns n: Int) -> [Double] {
    var g = [Double](repeating: 0, count: n * n)
    guard n > 0 else { return g }
    var block = [Double](repeating: 0, count: min(m, gramBlockRows) * n)
    for start in stride(from: 0, to: m, by: gramBlockRows) {
      let count = min(gramBlockRows, m - start)
      for i in 0..<(count * n) { block[i] = Double(data[start * n + i]) }
      cblas_dsyrk(
        CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(count), 1, block, Int32(n), 1, &g,
        Int32(n))
    }
    mirrorUpper(&g, n)
    return g
  }

  /// AAᵀ, one block row of the result at a time: G[I, :] = A_I Aᵀ.
  private static func rowGram(_ data: [Float], rows m: Int, columns n: Int) -> [Double] {
    var g = [Double](repeating: 0, count: m * m)
    guard m > 0 else { return g }
    let all = data.map(Double.init)
    for start in stride(from: 0, to: m, by: gramBlockRows) {
      let count = min(gramBlockRows, m - start)
      all.withUnsafeBufferPointer { a in
        g.withUnsafeMutableBufferPointer { out in
          cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(m), Int32(n), 1,
            a.baseAddress! + start * n, Int32(n), a.baseAddress!, Int32(n), 0,
            out.baseAddress! + start * m, Int32(m))
        }
      }
    }
    return g
  }

  /// Copies the upper triangle of a row-major n × n matrix onto its lower triangle.
  private static func mirrorUpper(_ g: inout [Double], _ n: Int) {
    for i in 0..<n {
      for j in 0..<i { g[i * n + j] = g[j * n + i] }
    }
  }

  /// Eigendecomposition of a symmetric Double matrix (LAPACK `dsyevd`): a = V · diag(w) · Vᵀ.
  /// - Parameters:
  ///   - a: row-major [n, n], symmetric (the lower triangle is read).
  ///   - n: the order.
  ///   - vectors: false computes the eigenvalues only (several times faster for large n).
  /// - Returns: `values` [n] ascending, and `vectors` row-major [n, n] whose column j is the
  ///   unit eigenvector of `values[j]` (empty when not asked for).
  /// - Throws: `LinalgError` for a wrong size, non-finite input or a LAPACK failure.
  public static func symmetricEigen(_ a: [Double], n: Int, vectors wanted: Bool = true) throws
    -> (values: [Double], vectors: [Double])
  {
    let job = wanted ? "V" : "N"
    let op = "symmetricEigen"
    guard a.count == n * n else { throw LinalgError.notSquare(op: op, shape: [a.count, n]) }
    guard a.allSatisfy(\.isFinite) else { throw LinalgError.nonFinite(op: op) }
    guard n > 0 else { return ([], []) }
    var buffer = a
    var values = [Double](repeating: 0, count: n)
    var order = Int32(n)
    var lda = Int32(n)
    var info: Int32 = 0
    var workSize = 0.0
    var iworkSize: Int32 = 0
    var lwork: Int32 = -1
    var liwork: Int32 = -1
    dsyevd_(
      job, "U", &order, &buffer, &lda, &values, &workSize, &lwork, &iworkSize, &liwork, &info,
      1, 1)
    guard info == 0 else { throw LinalgError.didNotConverge(routine: "dsyevd", info: Int(info)) }
    guard workSize < Double(Int32.max) else { throw LinalgError.tooLarge(op: op, shape: [n, n]) }
    lwork = Int32(workSize.rounded(.up))
    liwork = max(iworkSize, 1)
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevd_(job, "U", &order, &buffer, &lda, &values, &work, &lwork, &iwork, &liwork, &info, 1, 1)
    guard info == 0 else { throw LinalgError.didNotConverge(routine: "dsyevd", info: Int(info)) }
    guard wanted else { return (values, []) }
    // Column-major V is row-major Vᵀ: transpose so that column j holds eigenvector j.
    var vectors = [Double](repeating: 0, count: n * n)
    for r in 0..<n {
      for c in 0..<n { vectors[c * n + r] = buffer[r * n + c] }
    }
    return (values, vectors)
  }
}

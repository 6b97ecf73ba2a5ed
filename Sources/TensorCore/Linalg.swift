import CBLAS

/// A dense linear-algebra routine refused its input or LAPACK reported a failure.
public enum LinalgError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The input is not a matrix: `shape` has a rank other than 2.
  case notMatrix(op: String, shape: [Int])
  /// The routine needs a square matrix.
  case notSquare(op: String, shape: [Int])
  /// The input holds NaN or ±Inf (LAPACK's behaviour on them is undefined).
  case nonFinite(op: String)
  /// A dimension or the workspace LAPACK asks for does not fit its 32-bit integers.
  case tooLarge(op: String, shape: [Int])
  /// The LAPACK routine returned `info` ≠ 0: > 0 means the iteration did not converge,
  /// < 0 that argument −info was illegal (a bug in the wrapper, never the caller's input).
  case didNotConverge(routine: String, info: Int)

  public var description: String {
    switch self {
    case .notMatrix(let op, let shape):
      return "\(op): got shape \(shape), expected a matrix [m, n]"
    case .notSquare(let op, let shape):
      return "\(op): got shape \(shape), expected a square matrix [n, n]"
    case .nonFinite(let op):
      return "\(op): the matrix contains NaN or infinity"
    case .tooLarge(let op, let shape):
      return "\(op): shape \(shape) is too large for LAPACK's 32-bit sizes"
    case .didNotConverge(let routine, let info) where info < 0:
      return "\(routine): illegal value in argument \(-info)"
    case .didNotConverge(let routine, let info):
      return "\(routine) did not converge (info \(info))"
    }
  }
}

/// Dense decompositions of Float32 matrices through OpenBLAS's LAPACK.
///
/// LAPACK is column-major and NDArray row-major: a row-major [m, n] buffer is the column-major
/// n × m matrix Aᵀ, so the wrappers pass buffers untransposed and read the factors of Aᵀ
/// back as the (transposed) factors of A. Every routine first asks LAPACK for its workspace
/// size (lwork = −1), then computes; inputs are copied, never overwritten.
public enum Linalg {
  /// Eigendecomposition of a symmetric matrix: a = V · diag(w) · Vᵀ (LAPACK `ssyevd`,
  /// divide and conquer).
  ///
  /// Only the lower triangle of the row-major input is read (the upper triangle of LAPACK's
  /// column-major view), so an asymmetric input is silently treated as its lower half
  /// mirrored. Eigenvalues are accurate to about ulp · ‖a‖₂ in absolute terms, so the
  /// eigenvalues of a positive semi-definite matrix near 0 can come out slightly negative.
  /// - Parameter a: [n, n], symmetric.
  /// - Returns: `values` [n] in ascending order, and `vectors` [n, n] whose column j is the
  ///   unit eigenvector of `values[j]` (orthonormal columns).
  /// - Throws: `LinalgError` when `a` is not a square matrix, is not finite, or LAPACK fails.
  public static func symmetricEigen(_ a: NDArray) throws -> (values: NDArray, vectors: NDArray) {
    let op = "symmetricEigen"
    try checkMatrix(a, op: op)
    guard a.shape[0] == a.shape[1] else { throw LinalgError.notSquare(op: op, shape: a.shape) }
    let n = a.shape[0]
    if n == 0 { return (NDArray.zeros([0]), NDArray.zeros([0, 0])) }
    var buffer = a.data
    var values = [Float](repeating: 0, count: n)
    try LAPACK.ssyevd(&buffer, &values, n: n, shape: a.shape)
    // Column-major V holds eigenvector j in its column j, i.e. in row j of the row-major
    // reading: the buffer is Vᵀ, and V is its transpose.
    return (NDArray(shape: [n], data: values), transposed(buffer, rows: n, columns: n))
  }

  /// Singular value decomposition a = U · diag(s) · Vᵀ (LAPACK `sgesdd`, divide and conquer).
  ///
  /// With k = min(m, n), the thin form (default) returns U [m, k] and Vᵀ [k, n]; the full
  /// form returns square U [m, m] and Vᵀ [n, n], whose extra columns/rows complete the
  /// orthonormal bases. Singular vectors are unique only up to sign (and rotation within
  /// repeated singular values).
  /// - Parameters:
  ///   - a: [m, n].
  ///   - fullMatrices: Whether U and Vᵀ are square (numpy's `full_matrices`).
  /// - Returns: `u` with orthonormal columns, `s` [k] descending and ≥ 0, `vt` with
  ///   orthonormal rows.
  /// - Throws: `LinalgError` when `a` is not a matrix, is not finite, or LAPACK fails.
  public static func svd(_ a: NDArray, fullMatrices: Bool = false) throws
    -> (u: NDArray, s: NDArray, vt: NDArray)
  {
    let op = "svd"
    try checkMatrix(a, op: op)
    let (m, n) = (a.shape[0], a.shape[1])
    let k = min(m, n)
    let (uColumns, vtRows) = fullMatrices ? (m, n) : (k, k)
    if k == 0 {
      return (identity(m, columns: uColumns), NDArray.zeros([0]), identity(vtRows, columns: n))
    }
    var buffer = a.data
    var s = [Float](repeating: 0, count: k)
    var u = [Float](repeating: 0, count: m * uColumns)
    var vt = [Float](repeating: 0, count: vtRows * n)
    // LAPACK factors Aᵀ (n × m, column-major) = V · S · Uᵀ: its left factor, column-major
    // n × vtRows, is our row-major Vᵀ; its right factor, column-major uColumns × m, is our
    // row-major U.
    try LAPACK.sgesdd(
      full: fullMatrices, &buffer, rows: n, columns: m, &s, left: &vt, right: &u,
      shape: a.shape)
    return (
      NDArray(shape: [m, uColumns], data: u), NDArray(shape: [k], data: s),
      NDArray(shape: [vtRows, n], data: vt)
    )
  }

  // MARK: - Helpers

  private static func checkMatrix(_ a: NDArray, op: String) throws(LinalgError) {
    guard a.rank == 2 else { throw .notMatrix(op: op, shape: a.shape) }
    guard a.isFinite else { throw .nonFinite(op: op) }
    guard a.count <= Int(Int32.max) else { throw .tooLarge(op: op, shape: a.shape) }
  }

  /// The row-major transpose of a row-major rows × columns buffer.
  private static func transposed(_ data: [Float], rows: Int, columns: Int) -> NDArray {
    var out = [Float](repeating: 0, count: data.count)
    for r in 0..<rows {
      for c in 0..<columns { out[c * rows + r] = data[r * columns + c] }
    }
    return NDArray(shape: [columns, rows], data: out)
  }

  /// The first `columns` columns of the rows × rows identity (rows × columns when wider).
  private static func identity(_ rows: Int, columns: Int) -> NDArray {
    var out = NDArray.zeros([rows, columns])
    for i in 0..<min(rows, columns) { out.data[i * columns + i] = 1 }
    return out
  }
}

/// The raw Fortran calls: every argument by pointer, column-major, hidden CHARACTER lengths.
private enum LAPACK {
  /// Eigenvalues into `values` (ascending) and eigenvectors over `a` (column j of the
  /// column-major result is vector j). `a` is n × n and symmetric; its upper triangle in
  /// column-major order is read.
  static func ssyevd(_ a: inout [Float], _ values: inout [Float], n: Int, shape: [Int])
    throws(LinalgError)
  {
    var order = Int32(n)
    var lda = Int32(max(n, 1))
    var info: Int32 = 0
    var workSize: Float = 0
    var iworkSize: Int32 = 0
    var lwork: Int32 = -1
    var liwork: Int32 = -1
    ssyevd_(
      "V", "U", &order, &a, &lda, &values, &workSize, &lwork, &iworkSize, &liwork, &info, 1, 1)
    try check(info, "ssyevd")
    lwork = try workspace(workSize, op: "symmetricEigen", shape: shape)
    liwork = max(iworkSize, 1)
    var work = [Float](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    ssyevd_("V", "U", &order, &a, &lda, &values, &work, &lwork, &iwork, &liwork, &info, 1, 1)
    try check(info, "ssyevd")
  }

  /// Thin ("S") or full ("A") SVD of the column-major rows × columns matrix `a` (destroyed):
  /// `a = left · diag(s) · right`, `left` column-major rows × (rows or k), `right` column-major
  /// (columns or k) × columns.
  static func sgesdd(
    full: Bool, _ a: inout [Float], rows: Int, columns: Int, _ s: inout [Float],
    left: inout [Float], right: inout [Float], shape: [Int]
  ) throws(LinalgError) {
    let k = min(rows, columns)
    let job = full ? "A" : "S"
    var m = Int32(rows)
    var n = Int32(columns)
    var lda = Int32(rows)
    var ldLeft = Int32(rows)
    var ldRight = Int32(full ? columns : k)
    var info: Int32 = 0
    var iwork = [Int32](repeating: 0, count: 8 * k)
    var workSize: Float = 0
    var lwork: Int32 = -1
    sgesdd_(
      job, &m, &n, &a, &lda, &s, &left, &ldLeft, &right, &ldRight, &workSize, &lwork, &iwork,
      &info, 1)
    try check(info, "sgesdd")
    lwork = try workspace(workSize, op: "svd", shape: shape)
    var work = [Float](repeating: 0, count: Int(lwork))
    sgesdd_(
      job, &m, &n, &a, &lda, &s, &left, &ldLeft, &right, &ldRight, &work, &lwork, &iwork, &info,
      1)
    try check(info, "sgesdd")
  }

  private static func check(_ info: Int32, _ routine: String) throws(LinalgError) {
    guard info == 0 else { throw .didNotConverge(routine: routine, info: Int(info)) }
  }

  /// The workspace length from a query's Float answer.
  ///
  /// NOTE: the size comes back as a Float, which rounds integers above 2²⁴ (possibly down),
  /// so it is rounded up and padded by 1/64 plus a few elements.
  private static func workspace(_ reported: Float, op: String, shape: [Int])
    throws(LinalgError) -> Int32
  {
    let padded = (Double(reported) * (1 + 1.0 / 64)).rounded(.up) + 16
    guard padded <= Double(Int32.max) else { throw .tooLarge(op: op, shape: shape) }
    return Int32(padded)
  }
}

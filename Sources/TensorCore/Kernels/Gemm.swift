import CBLAS

/// Thin wrappers over OpenBLAS `cblas_sgemm` (row-major).
public enum Gemm {
  /// C[m, n] = alpha · op(A) · op(B) + beta · C, with op(A) [m, k] and op(B) [k, n].
  /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
  @inlinable
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Sets the number of OpenBLAS threads (the `--threads` flag).
  public static func setThreads(_ count: Int) {
    openblas_set_num_threads(Int32(max(1, count)))
  }

  /// The OpenBLAS build and the kernel it selected, e.g. "OpenBLAS 0.3.21 … Zen".
  public static var configuration: String {
    guard let config = openblas_get_config(), let core = openblas_get_corename() else {
      return "OpenBLAS"
    }
    return String(cString: config) + " core=" + String(cString: core)
  }
}

enum MatmulKernel {
  /// [m, k] × [k, n] with optional transposes of the stored operands.
  static func run(_ a: NDArray, _ b: NDArray, transA: Bool, transB: Bool) -> NDArray {
    let m = transA ? a.shape[1] : a.shape[0]
    let k = transA ? a.shape[0] : a.shape[1]
    let n = transB ? b.shape[0] : b.shape[1]
    let data = makeArray(count: m * n) { out in
      if k == 0 {
        for i in 0..<(m * n) { out[i] = 0 }
        return
      }
      a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
          Gemm.sgemm(
            transA: transA, transB: transB, m: m, n: n, k: k, a: pa.baseAddress!,
            lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1], c: out.baseAddress!, ldc: n)
        }
      }
    }
    return NDArray(shape: [m, n], data: data)
  }
}

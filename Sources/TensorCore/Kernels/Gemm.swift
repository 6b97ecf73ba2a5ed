import CBLAS
import Dispatch

/// Thin wrappers over OpenBLAS `cblas_sgemm` (row-major). Other modules multiply through
/// `NDArray.matmul` and `NDArray.addMatmul`; only the thread set-up is public.
public enum Gemm {
  /// C[m, n] = alpha · op(A) · op(B) + beta · C, with op(A) [m, k] and op(B) [k, n].
  /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
  ///
  /// With `splitAcrossWorkers` (the default after `useWorkerThreads()`), a large product is cut
  /// along its longer output side into one block per `Parallel` worker, each a single-threaded
  /// OpenBLAS call: one thread pool for GEMM and the element-wise kernels, instead of OpenBLAS
  /// threads spinning (sched_yield) between calls while GCD runs the rest. Every C element is
  /// still one kernel's dot product over the same K blocks, so results do not change.
  static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let workers = Parallel.threads
    guard splitAcrossWorkers, workers > 1, m * n * k >= 1 << 21, max(m, n) >= 2 * workers else {
      call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
      return
    }
    split(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, workers: workers)
  }

  /// The product as `workers` blocks along the longer output side, one call each.
  static func split(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, workers: Int
  ) {
    let pa = SharedPointer(readOnly: a)
    let pb = SharedPointer(readOnly: b)
    let pc = SharedPointer(c)
    if n >= m {
      let block = (n + workers - 1) / workers
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let j0 = w * block
        let cols = min(n, j0 + block) - j0
        guard cols > 0 else { return }
        call(
          transA, transB, m, cols, k, alpha, pa.base, lda, pb.base + (transB ? j0 * ldb : j0), ldb,
          beta, pc.base + j0, ldc)
      }
    } else {
      let block = (m + workers - 1) / workers
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let i0 = w * block
        let rows = min(m, i0 + block) - i0
        guard rows > 0 else { return }
        call(
          transA, transB, rows, n, k, alpha, pa.base + (transA ? i0 : i0 * lda), lda, pb.base, ldb,
          beta, pc.base + i0 * ldc, ldc)
      }
    }
  }

  @inline(__always)
  static func call(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// True once `useWorkerThreads()` has made OpenBLAS single-threaded.
  nonisolated(unsafe) private(set) static var splitAcrossWorkers = false

  /// Runs every GEMM on the `Parallel` workers (OpenBLAS itself single-threaded).
  public static func useWorkerThreads() {
    openblas_set_num_threads(1)
    splitAcrossWorkers = true
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

  /// Rows row..<row + m of c ← alpha · op(a) · op(b) + beta · those rows (shapes checked by
  /// `NDArray.addMatmul`).
  static func accumulate(
    _ a: NDArray, _ b: NDArray, transA: Bool, transB: Bool, alpha: Float, beta: Float,
    into c: inout NDArray, row: Int
  ) {
    let m = transA ? a.shape[1] : a.shape[0]
    let k = transA ? a.shape[0] : a.shape[1]
    let n = c.shape[1]
    guard m > 0 && n > 0 else { return }
    c.withUnsafeMutableBufferPointer { pc in
      let out = pc.baseAddress! + row * n
      if k == 0 {
        for i in 0..<(m * n) { out[i] = beta == 0 ? 0 : beta * out[i] }
        return
      }
      a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
          Gemm.sgemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!,
            lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1], beta: beta, c: out, ldc: n)
        }
      }
    }
  }
}

import TestSupport
import Testing

@testable import TensorCore

@Suite struct MatmulTests {
  @Test(arguments: [false, true], [false, true])
  func matchesNaiveLoop(transposeA: Bool, transposeB: Bool) {
    for (m, k, n) in [(1, 1, 1), (3, 4, 5), (17, 33, 9)] {
      let a = TestInputs.uniform(transposeA ? [k, m] : [m, k], seed: 80)
      let b = TestInputs.uniform(transposeB ? [n, k] : [k, n], seed: 81)
      let c = a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB)
      #expect(c.shape == [m, n])
      let expected = Reference.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
      let comparison = Approx.compare(c.data, expected, rtol: 1e-5, atol: 1e-5)
      #expect(comparison.passed, "\(m)×\(k)×\(n): \(comparison)")
    }
  }

  /// Blocks of rows written one call each, onto a non-zero C (β = 1) or over garbage (β = 0).
  @Test(arguments: [false, true])
  func addMatmulIntoRowBlocks(transposeA: Bool) {
    let (m, k, n) = (7, 5, 3)
    let a = TestInputs.uniform(transposeA ? [k, m] : [m, k], seed: 82)
    let b = TestInputs.uniform([k, n], seed: 83)
    let c = TestInputs.uniform([m, n], seed: 84)
    let product = Reference.matmul(a, b, transposeA: transposeA, transposeB: false)
    var accumulated = c
    var overwritten = NDArray(repeating: .nan, shape: [m, n])
    for rows in [0..<4, 4..<7] {
      let block =
        transposeA
        ? a.slice(lower: [0, rows.lowerBound], upper: [k, rows.upperBound])
        : a.rows(rows)
      accumulated.addMatmul(block, b, transposeA: transposeA, alpha: 2, atRow: rows.lowerBound)
      overwritten.addMatmul(block, b, transposeA: transposeA, beta: 0, atRow: rows.lowerBound)
    }
    let expected = zip(product, c.data).map { 2 * $0 + Double($1) }
    #expect(Approx.compare(accumulated.data, expected, rtol: 1e-5, atol: 1e-5).passed)
    #expect(Approx.compare(overwritten.data, product, rtol: 1e-5, atol: 1e-5).passed)
  }

  @Test func emptyInnerExtentGivesZeros() {
    let a = NDArray.zeros([3, 0])
    let b = NDArray.zeros([0, 2])
    #expect(a.matmul(b) == NDArray.zeros([3, 2]))
  }
}

/// `Gemm.sgemm` cut into one block per worker gives what one whole OpenBLAS call gives.
@Suite struct GemmSplitTests {
  @Test(arguments: [
    (m: 64, n: 700, k: 96, transA: false, transB: false),
    (m: 700, n: 64, k: 96, transA: true, transB: false),
    (m: 333, n: 257, k: 65, transA: false, transB: true),
    (m: 129, n: 129, k: 300, transA: true, transB: true),
  ])
  func splitEqualsOneCall(_ c: (m: Int, n: Int, k: Int, transA: Bool, transB: Bool)) {
    var rng = RandomStream(seed: 13)
    let a = rng.normal(c.m * c.k)
    let b = rng.normal(c.k * c.n)
    let lda = c.transA ? c.m : c.k
    let ldb = c.transB ? c.k : c.n
    var whole = [Float](repeating: 0, count: c.m * c.n)
    var split = whole
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        whole.withUnsafeMutableBufferPointer { pc in
          Gemm.call(
            c.transA, c.transB, c.m, c.n, c.k, 1, pa.baseAddress!, lda, pb.baseAddress!, ldb, 0,
            pc.baseAddress!, c.n)
        }
        split.withUnsafeMutableBufferPointer { pc in
          Gemm.split(
            c.transA, c.transB, c.m, c.n, c.k, 1, pa.baseAddress!, lda, pb.baseAddress!, ldb, 0,
            pc.baseAddress!, c.n, workers: 3)
        }
      }
    }
    let scale = whole.map(abs).max() ?? 1
    for (x, y) in zip(whole, split) { #expect(abs(x - y) <= 1e-6 * scale) }
  }
}

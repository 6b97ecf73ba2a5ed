import TensorCore
import TestSupport
import Testing

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

  @Test func emptyInnerExtentGivesZeros() {
    let a = NDArray.zeros([3, 0])
    let b = NDArray.zeros([0, 2])
    #expect(a.matmul(b) == NDArray.zeros([3, 2]))
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

/// The checkers themselves: a checker that cannot fail proves nothing.
@Suite struct TestSupportTests {
  @Test func approxFollowsSwiftNumericsSemantics() {
    #expect(Approx.isClose(1.0, 1.0 + 1e-9))
    #expect(!Approx.isClose(1.0, 1.001))
    #expect(Approx.isClose(1.0, 1.001, rtol: 1e-2))
    // rtol scales with the larger magnitude, so the relation is symmetric.
    #expect(Approx.isClose(100.0, 99.0, rtol: 0.01) == Approx.isClose(99.0, 100.0, rtol: 0.01))
    // Zero is far from everything nonzero unless atol says otherwise.
    #expect(!Approx.isClose(0.0, 1e-12))
    #expect(Approx.isClose(0.0, 1e-12, atol: 1e-9))
    #expect(Approx.isClose(Double.infinity, .infinity))
    #expect(!Approx.isClose(Double.infinity, -.infinity))
    #expect(!Approx.isClose(Double.infinity, 1e308, rtol: 0.5))
    #expect(!Approx.isClose(Double.nan, .nan))
    #expect(Approx.isClose(Float(1), Float(1) + Float.ulpOfOne))
  }

  @Test func compareReportsMismatches() {
    let ok = Approx.compare([1, 2, 3] as [Float], [1, 2, 3.000001], rtol: 1e-5)
    #expect(ok.passed)
    let bad = Approx.compare([1, 2, 3] as [Float], [1, 2.5, 3], rtol: 1e-5)
    #expect(!bad.passed)
    #expect(bad.mismatches.map(\.index) == [1])
    #expect(bad.description.contains("[1]"))
    #expect(!Approx.compare([1] as [Float], [1, 2]).passed)
    #expect(!Approx.compare(NDArray.zeros([2, 3]), NDArray.zeros([3, 2])).passed)
  }

  @Test func gradientCheckCatchesAWrongRule() {
    // y = x³ with a backward rule that forgets the factor 3.
    func wrongCube(_ x: Tensor) -> Tensor {
      let out = NDArray(shape: x.shape, data: x.value.data.map { $0 * $0 * $0 })
      return Tensor.record(out, parents: [x], op: "wrongCube") { g, _ in [g * x * x] }
    }
    let x = TestInputs.uniform([2, 3], seed: 110)
    let report = GradientCheck.check(inputs: [x], eps: 1e-2, rtol: 1e-3, atol: 1e-3, seed: 1) {
      wrongCube($0[0])
    }
    #expect(!report.passed)
    #expect(report.failures.count > 0)
    #expect(report.description.contains("input 0"))
    let good = GradientCheck.check(inputs: [x], eps: 1e-2, rtol: 1e-3, atol: 1e-3, seed: 1) {
      $0[0].pow(3)
    }
    #expect(good.passed, "\(good)")
  }

  @Test func hessianCheckCatchesAConstantRule() {
    // The rule of x³ computed on raw values: right first derivative, zero second.
    func flatCube(_ x: Tensor) -> Tensor {
      let out = NDArray(shape: x.shape, data: x.value.data.map { $0 * $0 * $0 })
      return Tensor.record(out, parents: [x], op: "flatCube") { g, _ in
        [g * Tensor(NDArray(shape: x.shape, data: x.value.data.map { 3 * $0 * $0 }))]
      }
    }
    let x = TestInputs.uniform([2, 3], seed: 111)
    let first = GradientCheck.check(inputs: [x], eps: 1e-2, rtol: 1e-3, atol: 1e-3, seed: 2) {
      flatCube($0[0])
    }
    #expect(first.passed, "\(first)")
    let second = GradientCheck.hessianVector(
      inputs: [x], eps: 1e-2, rtol: 1e-3, atol: 1e-3, seed: 2
    ) {
      flatCube($0[0]).sum()
    }
    #expect(!second.passed)
  }

  @Test func elementCapLimitsTheCheckedSubset() {
    let x = TestInputs.uniform([10, 10], seed: 112)
    let report = GradientCheck.check(
      inputs: [x, x], eps: 1e-2, rtol: 1e-3, atol: 1e-3, maxElementsPerInput: 7, seed: 3
    ) { $0[0] * $0[1] }
    #expect(report.checked == 14)
    #expect(report.passed, "\(report)")
  }

  @Test func inputsStayAwayFromKinks() {
    let x = TestInputs.awayFromZero([1000], margin: 0.1, high: 1, seed: 113)
    #expect(x.data.allSatisfy { Swift.abs($0) >= 0.1 && Swift.abs($0) <= 1 })
    #expect(x.data.contains { $0 < 0 } && x.data.contains { $0 > 0 })
    let pushed = TestInputs.awayFromZero(NDArray(shape: [3], data: [0, -0.01, 0.5]), margin: 0.1)
    #expect(pushed.data == [0.1, -0.11, 0.6])
    let d = TestInputs.distinct([4, 5], spacing: 0.05, seed: 114)
    let sorted = d.data.sorted()
    #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $1 - $0 >= 0.049 })
  }

  @Test func affineGridsMatchPyTorchConventions() {
    let corners = TestInputs.identityGrid(batch: 1, height: 2, width: 3, alignCorners: true)
    #expect(corners.data == [-1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1])
    let centres = TestInputs.identityGrid(batch: 1, height: 1, width: 2, alignCorners: false)
    #expect(centres.data == [-0.5, 0, 0.5, 0])
    let shifted = TestInputs.affineGrid(
      theta: [2, 0, 0.5, 0, 1, -0.25], batch: 1, height: 1, width: 2, alignCorners: false)
    #expect(shifted.data == [-0.5, -0.25, 1.5, -0.25])
  }
}

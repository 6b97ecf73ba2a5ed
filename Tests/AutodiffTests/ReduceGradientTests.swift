import Autodiff
import TensorCore
import TestSupport
import Testing

@Suite struct ReduceGradientTests {
  static let axisSets: [[Int]] = [[], [0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2]]

  @Test(arguments: axisSets, [false, true])
  func sum(axes: [Int], keepDims: Bool) {
    let x = TestInputs.uniform([2, 3, 4], seed: 10)
    expectGradient("sum \(axes) keepDims \(keepDims)", inputs: [x]) {
      $0[0].sum(axes: axes, keepDims: keepDims)
    }
  }

  @Test(arguments: axisSets, [false, true])
  func mean(axes: [Int], keepDims: Bool) {
    let x = TestInputs.uniform([2, 3, 4], seed: 11)
    expectGradient("mean \(axes) keepDims \(keepDims)", inputs: [x]) {
      $0[0].mean(axes: axes, keepDims: keepDims)
    }
  }

  @Test func dotAndNestedReductions() {
    let a = TestInputs.uniform([3, 4], seed: 12)
    let b = TestInputs.uniform([3, 4], seed: 13)
    expectGradient("dot", inputs: [a, b]) { $0[0].dot($0[1]) }
    expectGradient("mean of squared row sums", inputs: [a]) {
      $0[0].sum(axes: [1]).square().mean()
    }
  }

  @Test func maxDetachedIsConstant() {
    let x = Tensor(TestInputs.uniform([2, 3], seed: 14), requiresGrad: true)
    let shifted = x - x.maxDetached(axes: [1])
    #expect(!x.maxDetached(axes: [1]).requiresGrad)
    let g = gradients(of: shifted.sum(), wrt: [x])[0]
    #expect(g.value == NDArray.ones([2, 3]))
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

@Suite struct MovementGradientTests {
  @Test(arguments: [
    ([3], [2, 3]), ([2, 1], [2, 4]), ([1, 3, 1], [2, 3, 4]), ([], [2, 2]), ([2, 3], [2, 3]),
  ])
  func expandedAndSummed(_ shapes: ([Int], [Int])) {
    let (small, large) = shapes
    expectGradient("expanded \(small) → \(large)", inputs: [TestInputs.uniform(small, seed: 20)]) {
      $0[0].expanded(to: large)
    }
    expectGradient("summed \(large) → \(small)", inputs: [TestInputs.uniform(large, seed: 21)]) {
      $0[0].summed(to: small)
    }
  }

  @Test func reshapedAndFlattened() {
    let x = TestInputs.uniform([2, 3, 4], seed: 22)
    expectGradient("reshaped", inputs: [x]) { $0[0].reshaped([4, -1]) }
    expectGradient("flattenedRows", inputs: [x]) { $0[0].flattenedRows() }
  }

  @Test(arguments: [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]])
  func permuted(order: [Int]) {
    expectGradient("permuted \(order)", inputs: [TestInputs.uniform([2, 3, 4], seed: 23)]) {
      $0[0].permuted(order)
    }
  }

  @Test func sliceAndPad() {
    let x = TestInputs.uniform([3, 4, 5], seed: 24)
    expectGradient("slice", inputs: [x]) { $0[0].slice(lower: [1, 0, 2], upper: [3, 3, 5]) }
    expectGradient("padded", inputs: [x]) { $0[0].padded(before: [1, 0, 2], after: [0, 2, 1]) }
    expectGradient("slice of padded", inputs: [x]) {
      $0[0].padded(before: [1, 1, 1], after: [1, 1, 1]).slice(lower: [0, 1, 2], upper: [4, 5, 6])
    }
  }

  @Test func gatherAndScatterRows() {
    // Repeated and missing rows: the gradient must add duplicates and leave row 2 zero.
    let indices = [3, 0, 3, 1, 0]
    let x = TestInputs.uniform([4, 2, 3], seed: 25)
    expectGradient("gatherRows", inputs: [x]) { $0[0].gatherRows(indices) }
    let g = TestInputs.uniform([5, 2, 3], seed: 26)
    expectGradient("scatterAddRows", inputs: [g]) { $0[0].scatterAddRows(indices, rows: 4) }
  }

  @Test func gatherAndScatterFlat() {
    let indices: [Int32] = [11, 0, 5, 5, 7, 2]
    let x = TestInputs.uniform([3, 4], seed: 27)
    expectGradient("gatherFlat", inputs: [x]) { $0[0].gatherFlat(indices, shape: [2, 3]) }
    let g = TestInputs.uniform([2, 3], seed: 28)
    expectGradient("scatterAddFlat", inputs: [g]) { $0[0].scatterAddFlat(indices, shape: [3, 4]) }
  }

  @Test(arguments: [0, 1, 2])
  func concatenate(axis: Int) {
    var shapes = [[2, 3, 2], [2, 3, 2], [2, 3, 2]]
    for k in 0..<3 { shapes[k][axis] = k + 1 }
    let parts = shapes.enumerated().map {
      TestInputs.uniform($0.element, seed: 29 + UInt64($0.offset))
    }
    expectGradient("concatenate axis \(axis)", inputs: parts) { Tensor.concatenate($0, axis: axis) }
  }
}

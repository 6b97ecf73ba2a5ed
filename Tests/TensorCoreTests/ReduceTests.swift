import TensorCore
import TestSupport
import Testing

@Suite struct ReduceTests {
  static let axisSets: [[Int]] = [
    [], [0], [1], [3], [-1], [0, 2], [1, 2], [0, 3], [1, 3], [0, 1, 2, 3], [2, 0], [-3, -1],
  ]

  @Test(arguments: axisSets, [false, true])
  func reductionsMatchReference(axes: [Int], keepDims: Bool) throws {
    let x = TestInputs.uniform([2, 3, 4, 5], low: -2, high: 2, seed: 10)
    let resolved = Set(axes.isEmpty ? [0, 1, 2, 3] : axes.map { $0 < 0 ? $0 + 4 : $0 })
    let sum = Reference.reduce(x, axes: resolved, max: false)
    let max = Reference.reduce(x, axes: resolved, max: true)
    let count = Double(resolved.map { x.shape[$0] }.reduce(1, *))
    let dropped = sum.shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
    let shape = keepDims ? sum.shape : dropped

    let s = x.sum(axes: axes, keepDims: keepDims)
    let m = x.max(axes: axes, keepDims: keepDims)
    let mean = x.mean(axes: axes, keepDims: keepDims)
    #expect(s.shape == shape)
    #expect(m.shape == shape)
    #expect(mean.shape == shape)
    let sumCheck = Approx.compare(s.data, sum.data, rtol: 1e-5, atol: 1e-5)
    #expect(sumCheck.passed, "sum \(axes): \(sumCheck)")
    #expect(m.data.map(Double.init) == max.data, "max \(axes)")
    let meanCheck = Approx.compare(mean.data, sum.data.map { $0 / count }, rtol: 1e-5, atol: 1e-6)
    #expect(meanCheck.passed, "mean \(axes): \(meanCheck)")
  }

  /// Long contiguous rows use the 8-lane accumulator; long strided columns the row loop.
  @Test(arguments: [[3, 1001], [1001, 3], [40, 37, 41]])
  func longReductions(shape: [Int]) {
    let x = TestInputs.uniform(shape, seed: 11)
    for axis in 0..<shape.count {
      let out = x.sum(axes: [axis], keepDims: true)
      let expected = Reference.reduce(x, axes: [axis], max: false).data
      let comparison = Approx.compare(out.data, expected, rtol: 1e-5, atol: 2e-5)
      #expect(comparison.passed, "axis \(axis) of \(shape): \(comparison)")
    }
  }

  @Test func scalarAndEmptyEdgeCases() {
    let scalar = NDArray(scalar: 3)
    #expect(scalar.sum().scalar == 3)
    #expect(scalar.mean().scalar == 3)
    #expect(scalar.sum().shape == [])
    let row = NDArray(shape: [1, 4], data: [1, 2, 3, 4])
    #expect(row.sum(axes: [1]).shape == [1])
    #expect(row.sum(axes: [0]).data == [1, 2, 3, 4])
    #expect(row.max().scalar == 4)
  }

  @Test func maxPropagatesNaN() {
    let x = NDArray(shape: [2, 3], data: [1, .nan, 2, 5, 4, 3])
    let rows = x.max(axes: [1])
    #expect(rows.data[0].isNaN)
    #expect(rows.data[1] == 5)
  }

  @Test func argmaxRowsPicksFirstMaximum() {
    let x = NDArray(shape: [3, 4], data: [0, 3, 3, 1, -1, -2, -3, -4, 2, 2, 9, 2])
    #expect(x.argmaxRows() == [1, 0, 2])
  }
}

import TensorCore
import TestSupport
import Testing

@Suite struct MovementTests {
  @Test(arguments: [
    [0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 3, 1], [0, 3, 1, 2], [1, 0, 2, 3], [2, 0, 3, 1],
  ])
  func permuteMatchesReference(order: [Int]) {
    let x = TestInputs.uniform([2, 3, 4, 5], seed: 20)
    let out = x.permuted(order)
    #expect(out.shape == order.map { x.shape[$0] })
    #expect(out.data.map(Double.init) == Reference.permute(x, order))
  }

  @Test func transposeAndInversePermutation() {
    let x = TestInputs.uniform([3, 7], seed: 21)
    #expect(x.transposed.transposed == x)
    let y = TestInputs.uniform([2, 3, 4], seed: 22)
    #expect(y.permuted([2, 0, 1]).permuted([1, 2, 0]) == y)
  }

  @Test(arguments: [
    ([0, 0, 0], [2, 3, 4]), ([1, 0, 2], [2, 3, 4]), ([0, 1, 1], [1, 3, 3]),
    ([1, 2, 3], [1, 2, 3]),
  ])
  func sliceAndPadRoundTrip(_ bounds: ([Int], [Int])) {
    let x = TestInputs.uniform([2, 3, 4], seed: 23)
    let (lower, upper) = bounds
    let part = x.slice(lower: lower, upper: upper)
    #expect(part.shape == zip(lower, upper).map { $1 - $0 })
    for index in Reference.indices(part.shape) {
      let source = zip(index, lower).map(+)
      #expect(Reference.at(part, index) == Reference.at(x, source))
    }
    // pad(slice(x)) is x with everything outside the block zeroed.
    let after = (0..<3).map { x.shape[$0] - upper[$0] }
    let restored = part.padded(before: lower, after: after)
    #expect(restored.shape == x.shape)
    for index in Reference.indices(x.shape) {
      let inside = (0..<3).allSatisfy { lower[$0] <= index[$0] && index[$0] < upper[$0] }
      #expect(Reference.at(restored, index) == (inside ? Reference.at(x, index) : 0))
    }
    // slice(pad(y)) is y exactly.
    let padded = x.padded(before: [1, 0, 2], after: [0, 3, 1])
    #expect(padded.shape == [3, 6, 7])
    #expect(padded.slice(lower: [1, 0, 2], upper: [3, 3, 6]) == x)
    #expect(Approx.isClose(padded.sum().scalar, x.sum().scalar, rtol: 1e-5, atol: 1e-6))
  }

  @Test func gatherAndScatterRows() {
    let x = TestInputs.uniform([4, 2, 3], seed: 24)
    let indices = [3, 0, 3, 1]
    let gathered = x.gatherRows(indices)
    #expect(gathered.shape == [4, 2, 3])
    for (i, row) in indices.enumerated() {
      #expect(gathered.rows(i..<(i + 1)) == x.rows(row..<(row + 1)))
    }
    let g = TestInputs.uniform([4, 2, 3], seed: 25)
    let scattered = g.scatterAddRows(indices, rows: 5)
    #expect(scattered.shape == [5, 2, 3])
    var expected = [Double](repeating: 0, count: 30)
    for (i, row) in indices.enumerated() {
      for j in 0..<6 { expected[row * 6 + j] += Double(g.data[i * 6 + j]) }
    }
    #expect(Approx.compare(scattered.data, expected, rtol: 1e-6, atol: 1e-7).passed)
  }

  @Test func gatherAndScatterFlat() {
    let x = TestInputs.uniform([3, 4], seed: 26)
    let indices: [Int32] = [11, 0, 5, 5, 7, 2]
    let gathered = x.gatherFlat(indices, shape: [2, 3])
    #expect(gathered.shape == [2, 3])
    #expect(gathered.data == indices.map { x.data[Int($0)] })
    let scattered = gathered.scatterAddFlat(indices, shape: [3, 4])
    var expected = [Float](repeating: 0, count: 12)
    for (i, index) in indices.enumerated() { expected[Int(index)] += gathered.data[i] }
    #expect(scattered.data == expected)
  }

  @Test(arguments: [0, 1, 2])
  func concatenateMatchesReference(axis: Int) {
    var shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for k in 0..<3 { shapes[k][axis] = k + 1 }
    let parts = shapes.enumerated().map {
      TestInputs.uniform($0.element, seed: 30 + UInt64($0.offset))
    }
    let out = NDArray.concatenate(parts, axis: axis)
    var shape = [2, 3, 4]
    shape[axis] = 6
    #expect(out.shape == shape)
    for index in Reference.indices(shape) {
      var local = index
      var part = 0
      while local[axis] >= parts[part].shape[axis] {
        local[axis] -= parts[part].shape[axis]
        part += 1
      }
      #expect(Reference.at(out, index) == Reference.at(parts[part], local))
    }
  }

  @Test func reshapeInfersOneAxisAndRowsSlice() throws {
    let x = TestInputs.uniform([2, 3, 4], seed: 40)
    #expect(x.reshaped([6, -1]).shape == [6, 4])
    #expect(try x.reshaped(checking: [-1, 2]).shape == [12, 2])
    #expect(x.reshaped([24]).data == x.data)
    #expect(throws: ShapeError.self) { try x.reshaped(checking: [5, -1]) }
    #expect(throws: ShapeError.self) { try x.reshaped(checking: [5, 5]) }
    let rows = x.rows(1..<2)
    #expect(rows.shape == [1, 3, 4])
    #expect(rows.data == Array(x.data[12..<24]))
  }
}

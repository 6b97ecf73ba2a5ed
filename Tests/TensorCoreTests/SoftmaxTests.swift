import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct SoftmaxTests {
  @Test func logSoftmaxRowsMatchReferenceAndNormalise() {
    var x = TestInputs.uniform([4, 7], low: -5, high: 5, seed: 90)
    // A row of huge logits must not overflow.
    for j in 0..<7 { x.data[3 * 7 + j] = 1000 + Float(j) }
    let out = x.logSoftmaxRows()
    #expect(out.shape == [4, 7])
    #expect(out.isFinite)
    for row in 0..<4 {
      let values = (0..<7).map { Double(x.data[row * 7 + $0]) }
      let top = values.max()!
      let lse = top + Foundation.log(values.map { Foundation.exp($0 - top) }.reduce(0, +))
      let comparison = Approx.compare(
        Array(out.data[(row * 7)..<(row * 7 + 7)]), values.map { $0 - lse }, rtol: 1e-5, atol: 1e-5)
      #expect(comparison.passed, "row \(row): \(comparison)")
    }
    let sums = out.unary(.exp).sum(axes: [1])
    #expect(Approx.compare(sums.data, [1, 1, 1, 1], rtol: 1e-5).passed)
    let softmax = x.softmaxRows()
    #expect(Approx.compare(softmax.sum(axes: [1]).data, [1, 1, 1, 1], rtol: 1e-5).passed)
    #expect(softmax.data.allSatisfy { $0 >= 0 && $0 <= 1 })
  }
}

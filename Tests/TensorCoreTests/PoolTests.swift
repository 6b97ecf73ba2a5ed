import TensorCore
import TestSupport
import Testing

@Suite struct PoolTests {
  /// (input shape, kernel, stride); the last ones leave rows or columns uncovered.
  static let cases: [([Int], Int, Int)] = [
    ([1, 1, 4, 4], 2, 2), ([2, 3, 6, 6], 2, 2), ([2, 2, 5, 7], 3, 1), ([1, 2, 7, 6], 3, 2),
    ([2, 1, 5, 5], 2, 2), ([1, 1, 3, 3], 3, 3),
  ]

  @Test(arguments: cases)
  func averagePoolMatchesReference(_ c: ([Int], Int, Int)) {
    let (shape, k, s) = c
    let x = TestInputs.uniform(shape, seed: 60)
    let y = x.avgPool2d(kernel: k, stride: s)
    #expect(y.shape == [shape[0], shape[1], (shape[2] - k) / s + 1, (shape[3] - k) / s + 1])
    let comparison = Approx.compare(y.data, Reference.pool(x, kernel: k, stride: s, max: false))
    #expect(comparison.passed, "\(comparison)")
  }

  @Test(arguments: cases)
  func averagePoolBackwardIsAdjoint(_ c: ([Int], Int, Int)) {
    let (shape, k, s) = c
    let x = TestInputs.uniform(shape, seed: 61)
    let y = x.avgPool2d(kernel: k, stride: s)
    let g = TestInputs.uniform(y.shape, seed: 62)
    let gx = NDArray.avgPool2dBackward(g, inputShape: shape, kernel: k, stride: s)
    #expect(gx.shape == shape)
    // ⟨g, pool(x)⟩ = ⟨poolᵀ(g), x⟩, and poolᵀ spreads g/k² over each window.
    #expect(Approx.isClose(g.dot(y), gx.dot(x), rtol: 1e-5, atol: 1e-6))
    var expected = [Double](repeating: 0, count: x.count)
    for o in Reference.indices(y.shape) {
      for ky in 0..<k {
        for kx in 0..<k {
          let target = Reference.flat([o[0], o[1], o[2] * s + ky, o[3] * s + kx], shape)
          expected[target] += Reference.at(g, o) / Double(k * k)
        }
      }
    }
    #expect(Approx.compare(gx.data, expected).passed)
  }

  @Test(arguments: cases)
  func maxPoolIndicesPointAtWindowMaxima(_ c: ([Int], Int, Int)) {
    let (shape, k, s) = c
    let x = TestInputs.uniform(shape, seed: 63)
    let (outShape, indices) = x.maxPool2dIndices(kernel: k, stride: s)
    #expect(outShape == [shape[0], shape[1], (shape[2] - k) / s + 1, (shape[3] - k) / s + 1])
    #expect(
      indices.map { Double(x.data[Int($0)]) } == Reference.pool(x, kernel: k, stride: s, max: true))
    // Each index lies inside its own window.
    for (i, o) in Reference.indices(outShape).enumerated() {
      let index = Int(indices[i])
      let (plane, rest) = index.quotientAndRemainder(dividingBy: shape[2] * shape[3])
      let (y, xx) = rest.quotientAndRemainder(dividingBy: shape[3])
      #expect(plane == o[0] * shape[1] + o[1])
      #expect((o[2] * s..<(o[2] * s + k)).contains(y) && (o[3] * s..<(o[3] * s + k)).contains(xx))
    }
  }

  @Test func maxPoolTiesPickFirstElement() {
    let x = NDArray(repeating: 1, shape: [1, 1, 2, 4])
    #expect(x.maxPool2dIndices(kernel: 2, stride: 2).indices == [0, 2])
  }
}

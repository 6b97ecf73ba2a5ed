import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct NormTests {
  @Test(arguments: [[2, 3, 4, 4], [1, 2, 5, 3], [2, 1, 1, 7], [3, 2, 6]])
  func standardizedPlanesMatchReference(shape: [Int]) {
    // An offset of 100 checks that the mean is removed before squaring.
    let x = TestInputs.uniform(shape, low: 99, high: 101, seed: 120)
    let (normalized, inverseStd) = x.standardizedPlanes(eps: 1e-5)
    let planes = shape[0] * shape[1]
    let m = x.count / planes
    #expect(normalized.shape == shape)
    #expect(inverseStd.shape == [shape[0], shape[1]] + [Int](repeating: 1, count: shape.count - 2))
    var expected: [Double] = []
    var scales: [Double] = []
    for plane in 0..<planes {
      let values = x.data[(plane * m)..<(plane * m + m)].map(Double.init)
      let mean = values.reduce(0, +) / Double(m)
      let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m)
      let scale = 1 / (variance + 1e-5).squareRoot()
      scales.append(scale)
      expected += values.map { ($0 - mean) * scale }
    }
    let comparison = Approx.compare(normalized.data, expected, rtol: 1e-4, atol: 1e-4)
    #expect(comparison.passed, "\(shape): \(comparison)")
    #expect(Approx.compare(inverseStd.data, scales, rtol: 1e-5).passed)
  }

  @Test func constantPlaneStandardizesToZero() {
    let x = NDArray(repeating: 3, shape: [1, 1, 2, 2])
    let (normalized, inverseStd) = x.standardizedPlanes(eps: 1e-5)
    #expect(normalized.data == [0, 0, 0, 0])
    #expect(Approx.isClose(inverseStd.scalar, 1 / Float(1e-5).squareRoot(), rtol: 1e-5))
  }
}

struct NormReLUPoolKernelTests {
  @Test func resultsDoNotDependOnThreadCount() {
    let x = TestInputs.uniform([4, 8, 16, 16], low: -2, high: 3, seed: 150)
    let gamma = TestInputs.uniform([8], low: 0.5, high: 1.5, seed: 151)
    let beta = TestInputs.uniform([8], low: -0.5, high: 0.5, seed: 152)
    let gy = TestInputs.uniform([4, 8, 8, 8], seed: 153)
    func run() -> [NDArray] {
      let (y, mean, inverseStd) = x.instanceNormReLUPool(
        gamma: gamma, beta: beta, pool: true, eps: 1e-5)
      let g = NDArray.instanceNormReLUPoolBackward(
        gy, x: x, gamma: gamma, beta: beta, mean: mean, inverseStd: inverseStd, pool: true)
      return [y, g.x, g.gamma, g.beta]
    }
    #expect(ThreadCount.with(1, run) == ThreadCount.with(3, run))
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

@Suite struct NNGradientTests {
  // MARK: - Matrix product

  @Test(arguments: [false, true], [false, true])
  func matmul(transposeSelf: Bool, transposeOther: Bool) {
    let (m, k, n) = (3, 4, 2)
    let a = TestInputs.uniform(transposeSelf ? [k, m] : [m, k], seed: 40)
    let b = TestInputs.uniform(transposeOther ? [n, k] : [k, n], seed: 41)
    expectGradient("matmul tA \(transposeSelf) tB \(transposeOther)", inputs: [a, b]) {
      $0[0].matmul($0[1], transposeSelf: transposeSelf, transposeOther: transposeOther)
    }
  }

  // MARK: - Convolution

  /// One convolution geometry: input [N, C, H, W], filter [O, C, KH, KW].
  struct Conv: Sendable, CustomStringConvertible {
    let input: [Int]
    let filter: [Int]
    let stride: Int
    let padding: Int
    var output: [Int] {
      [
        input[0], filter[0], (input[2] + 2 * padding - filter[2]) / stride + 1,
        (input[3] + 2 * padding - filter[3]) / stride + 1,
      ]
    }
    var description: String { "x\(input) w\(filter) s\(stride) p\(padding)" }
  }

  static let convs: [Conv] = [
    Conv(input: [2, 2, 5, 5], filter: [3, 2, 3, 3], stride: 1, padding: 0),
    Conv(input: [2, 3, 5, 4], filter: [2, 3, 3, 3], stride: 1, padding: 1),
    Conv(input: [2, 2, 6, 5], filter: [2, 2, 3, 2], stride: 2, padding: 1),
    Conv(input: [1, 2, 4, 4], filter: [2, 2, 3, 3], stride: 2, padding: 3),
  ]

  @Test(arguments: convs)
  func conv2d(_ c: Conv) {
    let x = TestInputs.uniform(c.input, seed: 42)
    let w = TestInputs.uniform(c.filter, seed: 43)
    let b = TestInputs.uniform([c.filter[0]], seed: 44)
    expectGradient("conv2d \(c) with bias", inputs: [x, w, b]) {
      $0[0].conv2d($0[1], bias: $0[2], stride: c.stride, padding: c.padding)
    }
    expectGradient("conv2d \(c)", inputs: [x, w]) {
      $0[0].conv2d($0[1], stride: c.stride, padding: c.padding)
    }
  }

  @Test(arguments: convs)
  func conv2dBackwardInput(_ c: Conv) {
    let g = TestInputs.uniform(c.output, seed: 45)
    let w = TestInputs.uniform(c.filter, seed: 46)
    expectGradient("conv2dBackwardInput \(c)", inputs: [g, w]) {
      Tensor.conv2dBackwardInput($0[0], filter: $0[1], inputShape: c.input, c.stride, c.padding)
    }
  }

  @Test(arguments: convs)
  func conv2dBackwardFilter(_ c: Conv) {
    let x = TestInputs.uniform(c.input, seed: 47)
    let g = TestInputs.uniform(c.output, seed: 48)
    expectGradient("conv2dBackwardFilter \(c)", inputs: [x, g]) {
      Tensor.conv2dBackwardFilter($0[0], $0[1], filterShape: c.filter, c.stride, c.padding)
    }
  }

  // MARK: - Pooling

  static let pools: [(input: [Int], kernel: Int, stride: Int)] = [
    ([2, 2, 4, 4], 2, 2), ([1, 2, 5, 5], 3, 1), ([2, 1, 7, 6], 3, 2),
  ]

  @Test(arguments: pools)
  func avgPool2d(_ p: (input: [Int], kernel: Int, stride: Int)) {
    expectGradient("avgPool2d \(p)", inputs: [TestInputs.uniform(p.input, seed: 49)]) {
      $0[0].avgPool2d(kernel: p.kernel, stride: p.stride)
    }
  }

  @Test(arguments: pools)
  func avgPool2dBackward(_ p: (input: [Int], kernel: Int, stride: Int)) {
    let pooled = NDArray.zeros(p.input).avgPool2d(kernel: p.kernel, stride: p.stride).shape
    expectGradient("avgPool2dBackward \(p)", inputs: [TestInputs.uniform(pooled, seed: 50)]) {
      Tensor.avgPool2dBackward($0[0], inputShape: p.input, kernel: p.kernel, stride: p.stride)
    }
  }

  @Test(arguments: pools)
  func maxPool2d(_ p: (input: [Int], kernel: Int, stride: Int)) {
    // NOTE: distinct values 0.05 apart: a ±2ε step never changes a window's winner.
    let x = TestInputs.distinct(p.input, spacing: 0.05, seed: 51)
    expectGradient("maxPool2d \(p)", inputs: [x]) {
      $0[0].maxPool2d(kernel: p.kernel, stride: p.stride)
    }
  }

  // MARK: - Sampling

  @Test(arguments: [false, true])
  func gridSample(alignCorners: Bool) {
    let x = TestInputs.uniform([2, 2, 5, 4], seed: 52)
    let grid = TestInputs.randomAffineGrid(
      batch: 2, height: 4, width: 3, alignCorners: alignCorners, jitter: 0.4, seed: 53)
    expectGradient("gridSample alignCorners \(alignCorners)", inputs: [x]) {
      $0[0].gridSample(grid, alignCorners: alignCorners)
    }
  }

  @Test(arguments: [false, true])
  func gridSampleBackward(alignCorners: Bool) {
    let grid = TestInputs.randomAffineGrid(
      batch: 2, height: 4, width: 3, alignCorners: alignCorners, jitter: 0.4, seed: 54)
    let g = TestInputs.uniform([2, 2, 4, 3], seed: 55)
    expectGradient("gridSampleBackward alignCorners \(alignCorners)", inputs: [g]) {
      Tensor.gridSampleBackward(
        $0[0], grid: grid, inputShape: [2, 2, 5, 4], alignCorners: alignCorners)
    }
  }

  // MARK: - Normalisation

  @Test(arguments: [[2, 3, 4, 4], [1, 2, 3, 5]])
  func instanceStandardized(shape: [Int]) {
    let x = TestInputs.uniform(shape, seed: 58)
    expectGradient("instanceStandardized \(shape)", inputs: [x]) { $0[0].instanceStandardized() }
    // The fused op agrees with the composition (x − μ) / √(σ² + ε).
    let fused = Tensor(x).instanceStandardized().value
    let centered = Tensor(x) - Tensor(x).mean(axes: [2, 3], keepDims: true)
    let composed = centered / (centered.square().mean(axes: [2, 3], keepDims: true) + 1e-5).sqrt()
    let comparison = Approx.compare(fused, composed.value, rtol: 1e-4, atol: 1e-5)
    #expect(comparison.passed, "\(comparison)")
  }

  // MARK: - Softmax

  @Test func logSoftmaxAndSoftmax() {
    let x = TestInputs.uniform([3, 5], low: -3, high: 3, seed: 56)
    expectGradient("logSoftmax", inputs: [x]) { $0[0].logSoftmax() }
    expectGradient("softmax", inputs: [x]) { $0[0].softmax() }
    // Large logits: the max shift keeps everything finite.
    let large = TestInputs.uniform([2, 4], low: 50, high: 52, seed: 57)
    expectGradient("logSoftmax of large logits", inputs: [large]) { $0[0].logSoftmax() }
  }
}

import TensorCore
import TestSupport
import Testing

/// The fused first block `convInstanceNormReLUPool` against the unfused kernels it replaces:
/// `conv2d` then `instanceNormReLUPool`, and their filter/γ/β gradients.
struct ConvNormReLUPoolTests {
  struct Case: CustomStringConvertible, Sendable {
    let input: [Int]
    let outChannels, padding: Int
    let pool: Bool
    var description: String { "x\(input) O=\(outChannels) p=\(padding) pool=\(pool)" }
  }

  struct Inputs {
    let x, w, b, gamma, beta, gy: NDArray
    let padding: Int
    let pool: Bool

    init(_ c: Case) {
      let o = c.outChannels
      x = TestInputs.uniform(c.input, low: -1, high: 2, seed: 160)
      w = TestInputs.uniform([o, c.input[1], 3, 3], low: -0.5, high: 0.5, seed: 161)
      b = TestInputs.uniform([o], seed: 162)
      gamma = TestInputs.uniform([o], low: 0.5, high: 1.5, seed: 163)
      beta = TestInputs.uniform([o], low: -0.5, high: 0.5, seed: 164)
      let g = try! ConvGeometry(input: c.input, filter: w.shape, stride: 1, padding: c.padding)
      let (h, wd) = c.pool ? (g.outHeight / 2, g.outWidth / 2) : (g.outHeight, g.outWidth)
      gy = TestInputs.uniform([c.input[0], o, h, wd], seed: 165)
      padding = c.padding
      pool = c.pool
    }

    /// Output, then the gradients (w, b, γ, β), fused.
    func fused() -> [NDArray] {
      let (y, mean, inverseStd) = x.convInstanceNormReLUPool(
        w, bias: b, gamma: gamma, beta: beta, stride: 1, padding: padding, pool: pool, eps: 1e-5)
      let g = NDArray.convInstanceNormReLUPoolBackward(
        gy, input: x, filter: w, bias: b, gamma: gamma, beta: beta, stride: 1, padding: padding,
        mean: mean, inverseStd: inverseStd, pool: pool)
      return [y, g.filter, g.bias, g.gamma, g.beta]
    }

    /// The same by the unfused kernels; the bias gradient as Σ ∂z over images and pixels.
    func unfused() -> [NDArray] {
      let z = x.conv2d(w, bias: b, stride: 1, padding: padding)
      let (y, mean, inverseStd) = z.instanceNormReLUPool(
        gamma: gamma, beta: beta, pool: pool, eps: 1e-5)
      let g = NDArray.instanceNormReLUPoolBackward(
        gy, x: z, gamma: gamma, beta: beta, mean: mean, inverseStd: inverseStd, pool: pool)
      let gw = NDArray.conv2dBackwardFilter(
        x, g.x, filterShape: w.shape, stride: 1, padding: padding)
      return [y, gw, g.x.sum(axes: [0, 2, 3]), g.gamma, g.beta]
    }
  }

  static let names = ["y", "∂w", "∂b", "∂γ", "∂β"]

  /// Outputs of ≥ 512 pixels: im2col runs one image per block, as the fused kernel does.
  static let oneImageBlocks: [Case] = [
    Case(input: [5, 3, 32, 32], outChannels: 6, padding: 1, pool: true),
    Case(input: [2, 1, 28, 28], outChannels: 4, padding: 3, pool: true),
    Case(input: [3, 3, 23, 25], outChannels: 5, padding: 1, pool: false),
  ]

  @Test(arguments: oneImageBlocks)
  func equalsUnfusedKernelsBitForBit(_ c: Case) {
    let inputs = Inputs(c)
    let (fused, unfused) = (inputs.fused(), inputs.unfused())
    for (name, (a, b)) in zip(Self.names, zip(fused, unfused)) where name != "∂b" {
      #expect(a == b, "\(c) \(name): \(Approx.compare(a, b, rtol: 0, atol: 0))")
    }
    // ∂b: per-plane sums added in another order than the reduction's.
    let bias = Approx.compare(fused[2], unfused[2], rtol: 1e-4, atol: 1e-5)
    #expect(bias.passed, "\(c) ∂b: \(bias)")
  }

  /// Small outputs: im2col batches several images per GEMM, so the sums differ in rounding.
  @Test(arguments: [
    Case(input: [4, 3, 8, 8], outChannels: 5, padding: 1, pool: true),
    Case(input: [3, 2, 7, 9], outChannels: 3, padding: 0, pool: false),
    Case(input: [2, 20, 6, 6], outChannels: 17, padding: 1, pool: true),
  ])
  func equalsUnfusedKernelsOnSmallImages(_ c: Case) {
    let inputs = Inputs(c)
    for (name, (a, b)) in zip(Self.names, zip(inputs.fused(), inputs.unfused())) {
      let comparison = Approx.compare(a, b, rtol: 1e-4, atol: 1e-5)
      #expect(comparison.passed, "\(c) \(name): \(comparison)")
    }
  }

  @Test func resultsDoNotDependOnThreadCount() {
    let inputs = Inputs(Case(input: [7, 3, 16, 16], outChannels: 8, padding: 1, pool: true))
    #expect(ThreadCount.with(1, inputs.fused) == ThreadCount.with(3, inputs.fused))
  }
}

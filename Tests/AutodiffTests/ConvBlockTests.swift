import Autodiff
import TensorCore
import TestSupport
import Testing

/// `convInstanceNormReLUPool` (the fused block on a constant input) against the composite
/// conv2d → instanceNormReLUPool, against finite differences, and at second order.
struct ConvBlockTests {
  /// Parameters (w, b, γ, β) for 2 output channels on a constant x.
  static func parameters(inChannels c: Int) -> [NDArray] {
    [
      TestInputs.uniform([2, c, 3, 3], low: -0.5, high: 0.5, seed: 170),
      TestInputs.uniform([2], seed: 171),
      TestInputs.uniform([2], low: 0.5, high: 1.5, seed: 172),
      TestInputs.uniform([2], low: -0.5, high: 0.5, seed: 173),
    ]
  }

  static func fused(_ x: Tensor, _ p: [Tensor], padding: Int, pool: Bool) -> Tensor {
    x.convInstanceNormReLUPool(
      filter: p[0], bias: p[1], gamma: p[2], beta: p[3], padding: padding, pool: pool)
  }

  static func composite(_ x: Tensor, _ p: [Tensor], padding: Int, pool: Bool) -> Tensor {
    x.conv2d(p[0], bias: p[1], padding: padding)
      .instanceNormReLUPool(gamma: p[2], beta: p[3], pool: pool)
  }

  @Test(arguments: [([2, 3, 6, 6], 1, true), ([1, 2, 5, 7], 0, false), ([3, 1, 4, 4], 2, true)])
  func gradientsEqualComposite(_ c: (input: [Int], padding: Int, pool: Bool)) {
    let x = Tensor(TestInputs.uniform(c.input, seed: 174))
    let params = Self.parameters(inChannels: c.input[1])
    func run(_ f: (Tensor, [Tensor], Int, Bool) -> Tensor, createGraph: Bool) -> [NDArray] {
      let leaves = params.map { Tensor($0, requiresGrad: true) }
      let y = f(x, leaves, c.padding, c.pool)
      let loss = (y * Tensor(TestInputs.uniform(y.shape, seed: 175))).sum()
      return [y.value] + gradients(of: loss, wrt: leaves, createGraph: createGraph).map(\.value)
    }
    for createGraph in [false, true] {
      let fused = run(Self.fused, createGraph: createGraph)
      let composite = run(Self.composite, createGraph: createGraph)
      for (name, (a, b)) in zip(["y", "∂w", "∂b", "∂γ", "∂β"], zip(fused, composite)) {
        let comparison = Approx.compare(a, b, rtol: 1e-4, atol: 1e-5)
        #expect(comparison.passed, "\(c) \(name) createGraph \(createGraph): \(comparison)")
      }
    }
  }

  @Test func hessianVectorEqualsComposite() {
    let x = Tensor(TestInputs.uniform([2, 3, 6, 6], seed: 176))
    let params = Self.parameters(inChannels: 3)
    let v = params.enumerated().map { TestInputs.uniform($1.shape, seed: 177 + UInt64($0)) }
    func hv(_ f: (Tensor, [Tensor], Int, Bool) -> Tensor) -> [NDArray] {
      GradientCheck.hessianVectorProduct(params, v) {
        HessianVectorTests.tanhHead(f(x, $0, 1, true), seed: 181)
      }
    }
    for (a, b) in zip(hv(Self.fused), hv(Self.composite)) {
      let comparison = Approx.compare(a, b, rtol: 1e-3, atol: 1e-4)
      #expect(comparison.passed, "fused vs composite Hv: \(comparison)")
    }
  }

  /// Kink-free parameters for finite differences: β = ±2 keeps each channel's ReLU inputs on
  /// one side (|γ·x̂| < 2 for the 16-pixel planes, where |x̂| ≤ √15), so channel 1 passes
  /// everything and channel 2 nothing.
  static let smooth: [NDArray] = [
    TestInputs.uniform([2, 2, 3, 3], low: -0.5, high: 0.5, seed: 182),
    TestInputs.uniform([2], seed: 183),
    NDArray(shape: [2], data: [0.45, 0.5]),
    NDArray(shape: [2], data: [2, -2]),
  ]

  @Test(arguments: [true, false])
  func finiteDifferences(pool: Bool) {
    let x = Tensor(TestInputs.uniform([2, 2, 4, 4], seed: 184))
    expectGradient("convInstanceNormReLUPool pool \(pool)", inputs: Self.smooth) {
      Self.fused(x, $0, padding: 1, pool: pool)
    }
  }

  @Test func hessianVectorFiniteDifferences() {
    let x = Tensor(TestInputs.uniform([2, 2, 4, 4], seed: 185))
    expectHessianVector("tanh head on convInstanceNormReLUPool", inputs: Self.smooth) {
      HessianVectorTests.tanhHead(Self.fused(x, $0, padding: 1, pool: true), seed: 186)
    }
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

/// The fused ConvNet block epilogue `instanceNormReLUPool` against the unfused composite
/// instanceStandardized → ·γ + β → relu → avgPool2d, and against finite differences.
struct NormReLUPoolTests {
  static func composite(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, pool: Bool) -> Tensor {
    let c = x.shape[1]
    let z = x.instanceStandardized() * gamma.reshaped([1, c, 1, 1]) + beta.reshaped([1, c, 1, 1])
    let y = z.relu()
    return pool ? y.avgPool2d(kernel: 2, stride: 2) : y
  }

  static func fused(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, pool: Bool) -> Tensor {
    x.instanceNormReLUPool(gamma: gamma, beta: beta, pool: pool)
  }

  /// Random inputs: the ReLU masks are mixed, and identical in both forms (same arithmetic).
  static func inputs(_ shape: [Int]) -> [NDArray] {
    [
      TestInputs.uniform(shape, low: -2, high: 3, seed: 140),
      TestInputs.uniform([shape[1]], low: 0.5, high: 1.5, seed: 141),
      TestInputs.uniform([shape[1]], low: -0.5, high: 0.5, seed: 142),
    ]
  }

  static let cases: [(shape: [Int], pool: Bool)] = [
    ([2, 3, 6, 6], true), ([2, 3, 6, 6], false), ([1, 2, 5, 7], true), ([3, 2, 4, 4], true),
  ]

  @Test(arguments: cases)
  func forwardAndGradientsEqualComposite(_ c: (shape: [Int], pool: Bool)) {
    let xs = Self.inputs(c.shape)
    let head = { (y: Tensor) in (y * Tensor(TestInputs.uniform(y.shape, seed: 143))).sum() }
    func run(_ f: (Tensor, Tensor, Tensor, Bool) -> Tensor, createGraph: Bool)
      -> (NDArray, [NDArray])
    {
      let leaves = xs.map { Tensor($0, requiresGrad: true) }
      let y = f(leaves[0], leaves[1], leaves[2], c.pool)
      let g = gradients(of: head(y), wrt: leaves, createGraph: createGraph)
      return (y.value, g.map(\.value))
    }
    for createGraph in [false, true] {
      let (yf, gf) = run(Self.fused, createGraph: createGraph)
      let (yc, gc) = run(Self.composite, createGraph: createGraph)
      let forward = Approx.compare(yf, yc, rtol: 1e-5, atol: 1e-6)
      #expect(forward.passed, "forward \(c): \(forward)")
      for (name, (a, b)) in zip(["x", "gamma", "beta"], zip(gf, gc)) {
        let comparison = Approx.compare(a, b, rtol: 1e-4, atol: 1e-5)
        #expect(comparison.passed, "∂\(name) \(c) createGraph \(createGraph): \(comparison)")
      }
    }
  }

  @Test func hessianVectorEqualsComposite() {
    let xs = Self.inputs([2, 3, 6, 6])
    let v = [
      TestInputs.uniform([2, 3, 6, 6], seed: 144), TestInputs.uniform([3], seed: 145),
      TestInputs.uniform([3], seed: 146),
    ]
    let head = { (y: Tensor) in (y.tanh() * Tensor(TestInputs.uniform(y.shape, seed: 147))).sum() }
    let fused = GradientCheck.hessianVectorProduct(xs, v) {
      head(Self.fused($0[0], $0[1], $0[2], pool: true))
    }
    let composed = GradientCheck.hessianVectorProduct(xs, v) {
      head(Self.composite($0[0], $0[1], $0[2], pool: true))
    }
    for (a, b) in zip(fused, composed) {
      let comparison = Approx.compare(a, b, rtol: 1e-3, atol: 1e-4)
      #expect(comparison.passed, "fused vs composed Hv: \(comparison)")
    }
  }

  /// Third order goes through the composite fallback of the recorded backward's adjoint.
  @Test func thirdOrderEqualsComposite() {
    let xs = Self.inputs([2, 3, 4, 4])
    let (v, w) = (
      TestInputs.uniform([2, 3, 4, 4], seed: 150), TestInputs.uniform([2, 3, 4, 4], seed: 151)
    )
    func third(_ f: (Tensor, Tensor, Tensor, Bool) -> Tensor) -> [NDArray] {
      let leaves = xs.map { Tensor($0, requiresGrad: true) }
      let y = f(leaves[0], leaves[1], leaves[2], true)
      let loss = (y.tanh() * Tensor(TestInputs.uniform(y.shape, seed: 152))).sum()
      let first = gradients(of: loss, wrt: [leaves[0]], createGraph: true)[0]
      let second = gradients(of: (first * Tensor(v)).sum(), wrt: [leaves[0]], createGraph: true)[0]
      return gradients(of: (second * Tensor(w)).sum(), wrt: leaves).map(\.value)
    }
    for (name, (a, b)) in zip(
      ["x", "gamma", "beta"], zip(third(Self.fused), third(Self.composite)))
    {
      let comparison = Approx.compare(a, b, rtol: 1e-3, atol: 1e-4)
      #expect(comparison.passed, "third-order ∂\(name): \(comparison)")
    }
  }

  /// Kink-free inputs for finite differences: β = ±2 puts every ReLU input of a channel on
  /// one side (|γ·x̂| < 2), so channel 1 passes everything and channel 2 nothing.
  static func smoothInputs(_ shape: [Int]) -> [NDArray] {
    [
      TestInputs.uniform(shape, seed: 148),
      NDArray(shape: [2], data: [0.6, 0.9]),
      NDArray(shape: [2], data: [2, -2]),
    ]
  }

  @Test(arguments: [true, false])
  func finiteDifferences(pool: Bool) {
    expectGradient("instanceNormReLUPool pool \(pool)", inputs: Self.smoothInputs([2, 2, 4, 6])) {
      Self.fused($0[0], $0[1], $0[2], pool: pool)
    }
  }

  @Test func hessianVectorFiniteDifferences() {
    expectHessianVector(
      "tanh head on instanceNormReLUPool", inputs: Self.smoothInputs([2, 2, 4, 4])
    ) {
      HessianVectorTests.tanhHead(Self.fused($0[0], $0[1], $0[2], pool: true), seed: 149)
    }
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

/// Second-order checks for every op used in distillation (docs/ARCHITECTURE.md §6): the
/// double-backward Hessian-vector product against central differences of the analytic gradient.
@Suite struct HessianVectorTests {
  /// Σ c ⊙ tanh(y) for a fixed random c: a smooth, non-quadratic scalar head.
  static func tanhHead(_ y: Tensor, seed: UInt64) -> Tensor {
    (y.tanh() * Tensor(TestInputs.uniform(y.shape, seed: seed))).sum()
  }

  /// −mean over rows of Σ onehot ⊙ logSoftmax(logits): hard-label cross-entropy.
  static func crossEntropy(_ logits: Tensor, labels: [Int]) -> Tensor {
    var onehot = NDArray.zeros(logits.shape)
    for (row, label) in labels.enumerated() { onehot.data[row * logits.shape[1] + label] = 1 }
    return -(logits.logSoftmax() * Tensor(onehot)).sum(axes: [1]).mean()
  }

  /// Instance normalisation over [2, 3] of [N, C, H, W]: (x − μ) / √(σ² + 1e-5).
  static func instanceNorm(_ x: Tensor) -> Tensor {
    let centered = x - x.mean(axes: [2, 3], keepDims: true)
    let variance = centered.square().mean(axes: [2, 3], keepDims: true)
    return centered / (variance + 1e-5).sqrt()
  }

  /// Whether relu's argument keeps its sign pattern at every stencil point x + t·v,
  /// |t| ≤ 2ε, so the finite differences never straddle the kink.
  static func signsStable(
    _ inputs: [NDArray], _ v: [NDArray], eps: Float, _ preActivation: ([Tensor]) -> Tensor
  ) -> Bool {
    func signs(_ t: Float) -> [Bool] {
      let xs = zip(inputs, v).map { Tensor($0 + $1 * t) }
      return preActivation(xs).value.data.map { $0 > 0 }
    }
    let center = signs(0)
    return [-2, -1, 1, 2].allSatisfy { signs(Float($0) * eps) == center }
  }

  @Test func linearWithNonlinearLoss() {
    let x = TestInputs.uniform([4, 3], seed: 60)
    let w = TestInputs.uniform([3, 5], seed: 61)
    let b = TestInputs.uniform([5], seed: 62)
    expectHessianVector("tanh head on x·W + b", inputs: [x, w, b]) {
      Self.tanhHead($0[0].matmul($0[1]) + $0[2], seed: 63)
    }
  }

  @Test(arguments: [(1, 1), (2, 0)])
  func conv2d(_ geometry: (stride: Int, padding: Int)) {
    let x = TestInputs.uniform([2, 2, 5, 5], seed: 64)
    let w = TestInputs.uniform([3, 2, 3, 3], low: -0.5, high: 0.5, seed: 65)
    let b = TestInputs.uniform([3], seed: 66)
    expectHessianVector("tanh head on conv2d \(geometry)", inputs: [x, w, b]) {
      Self.tanhHead(
        $0[0].conv2d($0[1], bias: $0[2], stride: geometry.stride, padding: geometry.padding),
        seed: 67)
    }
  }

  @Test func reluInConvNetwork() throws {
    // conv → relu → flatten → linear → cross-entropy, as in ConvNet. relu'' = 0, yet the
    // Hessian through conv and the loss is not zero and must still match.
    let inputs = [
      TestInputs.uniform([2, 2, 4, 4], seed: 68),
      TestInputs.uniform([3, 2, 3, 3], low: -0.5, high: 0.5, seed: 69),
      TestInputs.uniform([3], low: -0.2, high: 0.2, seed: 70),
      TestInputs.uniform([48, 4], low: -0.3, high: 0.3, seed: 71),
    ]
    let v = inputs.enumerated().map {
      TestInputs.uniform($0.element.shape, seed: 72 + UInt64($0.offset))
    }
    let eps: Float = 1e-3
    let preActivation = { (t: [Tensor]) in t[0].conv2d(t[1], bias: t[2], padding: 1) }
    try #require(Self.signsStable(inputs, v, eps: eps, preActivation), "pick another seed")
    expectHessianVector(
      "relu network", inputs: inputs, direction: v, eps: eps, rtol: 1e-2, atol: 1e-3
    ) {
      let hidden = preActivation($0).relu().flattenedRows()
      return Self.crossEntropy(hidden.matmul($0[3]), labels: [1, 3])
    }
  }

  @Test func reluSquaredLoss() throws {
    let inputs = [
      TestInputs.uniform([2, 1, 4, 4], seed: 76), TestInputs.uniform([2, 1, 3, 3], seed: 77),
    ]
    let v = inputs.enumerated().map {
      TestInputs.uniform($0.element.shape, seed: 78 + UInt64($0.offset))
    }
    let eps: Float = 1e-3
    let preActivation = { (t: [Tensor]) in t[0].conv2d(t[1], padding: 1) }
    try #require(Self.signsStable(inputs, v, eps: eps, preActivation), "pick another seed")
    expectHessianVector(
      "Σ relu(conv)²", inputs: inputs, direction: v, eps: eps, rtol: 1e-2, atol: 1e-3
    ) {
      preActivation($0).relu().square().sum()
    }
  }

  @Test func averagePooling() {
    let x = TestInputs.uniform([2, 2, 6, 6], seed: 80)
    let w = TestInputs.uniform([2, 2, 3, 3], low: -0.5, high: 0.5, seed: 81)
    expectHessianVector("tanh head on avgPool(conv)", inputs: [x, w]) {
      Self.tanhHead($0[0].conv2d($0[1], padding: 1).avgPool2d(kernel: 2, stride: 2), seed: 82)
    }
  }

  @Test func maxPooling() {
    // Distinct inputs 0.05 apart and |v| ≤ 1 with ε = 1e-3: no window changes its winner.
    let x = TestInputs.distinct([1, 2, 4, 4], spacing: 0.05, seed: 83)
    let w = TestInputs.uniform([2, 2, 2, 2], seed: 84)
    expectHessianVector(
      "tanh head on conv(maxPool)", inputs: [x, w], eps: 1e-3, rtol: 1e-2, atol: 1e-3
    ) {
      Self.tanhHead($0[0].maxPool2d(kernel: 2, stride: 2).conv2d($0[1]), seed: 85)
    }
  }

  @Test func instanceNormalization() {
    let x = TestInputs.uniform([2, 3, 4, 4], seed: 86)
    let gamma = TestInputs.uniform([1, 3, 1, 1], low: 0.5, high: 1.5, seed: 87)
    let beta = TestInputs.uniform([1, 3, 1, 1], seed: 88)
    expectHessianVector("tanh head on instance norm", inputs: [x, gamma, beta]) {
      Self.tanhHead(Self.instanceNorm($0[0]) * $0[1] + $0[2], seed: 89)
    }
  }

  @Test func fusedInstanceStandardization() {
    // The fused op's hand-written adjoint must itself differentiate correctly.
    let x = TestInputs.uniform([2, 3, 4, 4], seed: 86)
    let w = TestInputs.uniform([2, 3, 3, 3], low: -0.5, high: 0.5, seed: 87)
    expectHessianVector("tanh head on instanceStandardized(conv)", inputs: [x, w]) {
      Self.tanhHead($0[0].conv2d($0[1], padding: 1).instanceStandardized(), seed: 89)
    }
    let v = [TestInputs.uniform([2, 3, 4, 4], seed: 90)]
    let fused = GradientCheck.hessianVectorProduct([x], v) {
      Self.tanhHead($0[0].instanceStandardized(), seed: 89)
    }
    let composed = GradientCheck.hessianVectorProduct([x], v) {
      Self.tanhHead(Self.instanceNorm($0[0]), seed: 89)
    }
    let comparison = Approx.compare(fused[0], composed[0], rtol: 1e-3, atol: 1e-4)
    #expect(comparison.passed, "fused vs composed Hv: \(comparison)")
  }

  @Test func softmaxCrossEntropy() {
    let x = TestInputs.uniform([3, 4], seed: 90)
    let w = TestInputs.uniform([4, 5], seed: 91)
    let b = TestInputs.uniform([5], seed: 92)
    expectHessianVector("cross-entropy of x·W + b", inputs: [x, w, b]) {
      Self.crossEntropy($0[0].matmul($0[1]) + $0[2], labels: [0, 4, 2])
    }
  }

  @Test func meanSquaredError() {
    let x = TestInputs.uniform([3, 4], seed: 93)
    let w = TestInputs.uniform([4, 2], seed: 94)
    let b = TestInputs.uniform([2], seed: 95)
    let target = Tensor(TestInputs.uniform([3, 2], seed: 96))
    expectHessianVector("MSE of x·W + b", inputs: [x, w, b]) {
      ($0[0].matmul($0[1]) + $0[2] - target).square().mean()
    }
  }

  @Test(arguments: [false, true])
  func differentiableAugmentation(alignCorners: Bool) {
    // DSA: a fixed random affine warp of the images inside the network.
    let grid = TestInputs.randomAffineGrid(
      batch: 2, height: 4, width: 4, alignCorners: alignCorners, jitter: 0.3, seed: 97)
    let x = TestInputs.uniform([2, 1, 4, 4], seed: 98)
    let w = TestInputs.uniform([2, 1, 3, 3], seed: 99)
    expectHessianVector("tanh head on conv(gridSample)", inputs: [x, w]) {
      Self.tanhHead(
        $0[0].gridSample(grid, alignCorners: alignCorners).conv2d($0[1], padding: 1), seed: 100)
    }
  }

  @Test func gradientMatchingObjective() {
    // DC: the distance between two parameter gradients, differentiated with respect to the
    // synthetic images — a third derivative of the network through the HVP check.
    let real = Tensor(TestInputs.uniform([2, 1, 4, 4], seed: 101))
    let synthetic = TestInputs.uniform([2, 1, 4, 4], seed: 102)
    let w = TestInputs.uniform([2, 1, 3, 3], seed: 103)
    func loss(_ x: Tensor, _ w: Tensor) -> Tensor {
      Self.tanhHead(x.conv2d(w, padding: 1), seed: 104)
    }
    expectHessianVector("gradient matching", inputs: [synthetic, w], rtol: 5e-3, atol: 5e-3) {
      let gReal = gradients(of: loss(real, $0[1]), wrt: [$0[1]], createGraph: true)[0]
      let gSynthetic = gradients(of: loss($0[0], $0[1]), wrt: [$0[1]], createGraph: true)[0]
      return (gReal - gSynthetic).square().sum()
    }
  }

  @Test func secondDerivativeOfSquareIsExactlyTwo() {
    // MLX TransformTests: grad(grad(x²)) = 2, exactly, at several points.
    for value: Float in [-3, 0, 0.5, 7] {
      let x = Tensor(NDArray(scalar: value), requiresGrad: true)
      for y in [x * x, x.square(), x.pow(2)] {
        let first = gradients(of: y, wrt: [x], createGraph: true)[0]
        #expect(first.scalar == 2 * value)
        #expect(first.requiresGrad)
        let second = gradients(of: first, wrt: [x])[0]
        #expect(second.scalar == 2, "d²/dx² x² at \(value) via \(y.op)")
      }
    }
  }

  @Test func thirdDerivativeOfCubeIsSix() {
    let x = Tensor(NDArray(scalar: 1.5), requiresGrad: true)
    let first = gradients(of: x * x * x, wrt: [x], createGraph: true)[0]
    let second = gradients(of: first, wrt: [x], createGraph: true)[0]
    let third = gradients(of: second, wrt: [x])[0]
    #expect(first.scalar == 3 * 1.5 * 1.5)
    #expect(second.scalar == 6 * 1.5)
    #expect(third.scalar == 6)
  }
}

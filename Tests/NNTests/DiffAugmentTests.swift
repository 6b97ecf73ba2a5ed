import Autodiff
import Foundation
import NN
import TensorCore
import TestSupport
import Testing

/// DSA augmentation (docs/ALGORITHMS.md §4): parsing, drawing, each op's forward on hand-checkable
/// inputs, and first- and second-order gradients through every op.
@Suite struct DiffAugmentTests {
  /// x[flat] = flat + 1: distinct, nonzero values.
  static func ramp(_ shape: [Int]) -> NDArray {
    NDArray(shape: shape, data: (0..<Shape.count(shape)).map { Float($0 + 1) })
  }

  /// `count` copies of one random image [1, C, H, W].
  static func copies(_ count: Int, channels: Int = 3, size: Int = 8, seed: UInt64) -> Tensor {
    let image = TestInputs.uniform([1, channels, size, size], seed: seed)
    return Tensor(NDArray.concatenate(Array(repeating: image, count: count), axis: 0))
  }

  /// The single-op augmenter for `op`.
  static func only(_ op: AugmentationOp, alignCorners: Bool = false) -> DiffAugment {
    DiffAugment(ops: [op], parameters: AugmentationParameters(alignCorners: alignCorners))
  }

  /// Sample `i` of [N, …] as a flat array.
  static func sample(_ x: NDArray, _ i: Int) -> [Float] {
    x.rows(i..<(i + 1)).data
  }
}

// MARK: - Strategy parsing

extension DiffAugmentTests {
  @Test func parsesTheStandardStrategy() throws {
    let augment = try DiffAugment(strategy: DiffAugment.standardStrategy)
    #expect(augment.ops == [.color, .crop, .cutout, .flip, .scale, .rotate])
    #expect(augment.strategy == DiffAugment.standardStrategy)
    #expect(augment.parameters == .dc)
    #expect(augment.parameters.cropShift(32) == 4 && augment.parameters.cropShift(28) == 4)
    #expect(augment.parameters.cutoutSize(32) == 16 && augment.parameters.cutoutSize(28) == 14)
    let digits = try DiffAugment(strategy: DiffAugment.digitsStrategy, parameters: .mtt)
    #expect(!digits.ops.contains(.flip) && digits.parameters.alignCorners)
  }

  @Test(arguments: ["", "none", "None"])
  func noneIsTheIdentity(_ strategy: String) throws {
    let augment = try DiffAugment(strategy: strategy)
    #expect(augment.isIdentity && augment.strategy == "none")
    var rng = RandomStream(seed: 1)
    let x = Tensor(Self.ramp([2, 1, 3, 3]))
    #expect(augment(x, rng: &rng).value == x.value)
    #expect(rng.counter == 0)
  }

  @Test(arguments: [("color_blur", "blur"), ("color__crop", ""), ("Flip", "Flip")])
  func unknownTokenIsAnError(_ strategy: String, _ token: String) {
    #expect(throws: DiffAugmentError.unknownOperation(token: token, strategy: strategy)) {
      try DiffAugment(strategy: strategy)
    }
    let message = DiffAugmentError.unknownOperation(token: token, strategy: strategy).description
    #expect(message.contains("valid tokens: color, crop, cutout, flip, scale, rotate"))
  }
}

// MARK: - Drawing

extension DiffAugmentTests {
  @Test func sameSeedGivesTheSameOutput() throws {
    let augment = try DiffAugment(strategy: DiffAugment.standardStrategy)
    let x = Tensor(TestInputs.uniform([4, 3, 8, 8], seed: 10))
    var a = RandomStream(seed: 7)
    var b = RandomStream(seed: 7)
    for _ in 0..<12 { #expect(augment(x, rng: &a).value == augment(x, rng: &b).value) }
  }

  @Test(arguments: AugmentationOp.allCases)
  func sharedDrawGivesEverySampleTheSameTransform(_ op: AugmentationOp) {
    let augment = Self.only(op)
    var rng = RandomStream(seed: 20)
    let outputs = augment.siamese(
      [Self.copies(3, seed: 21), Self.copies(5, seed: 21)], rng: &rng
    ).map(\.value)
    #expect(outputs.map(\.shape) == [[3, 3, 8, 8], [5, 3, 8, 8]])
    let first = Self.sample(outputs[0], 0)
    #expect(first != Self.sample(Self.copies(1, seed: 21).value, 0) || op == .flip)
    for (batch, out) in outputs.enumerated() {
      for i in 0..<out.shape[0] { #expect(Self.sample(out, i) == first, "batch \(batch) [\(i)]") }
    }
  }

  @Test(arguments: AugmentationOp.allCases)
  func perSampleDrawsDiffer(_ op: AugmentationOp) {
    var rng = RandomStream(seed: 30)
    let out = Self.only(op)(Self.copies(16, seed: 31), rng: &rng).value
    let first = Self.sample(out, 0)
    #expect((1..<16).contains { Self.sample(out, $0) != first })
  }

  @Test func eachOpIsChosenAboutEquallyOften() throws {
    let augment = try DiffAugment(strategy: DiffAugment.standardStrategy)
    var rng = RandomStream(seed: 40)
    var counts: [AugmentationOp: Int] = [:]
    for _ in 0..<6000 {
      let draw = augment.draw(batch: 1, height: 4, width: 4, shared: false, rng: &rng)
      let op = try #require(draw.op)
      counts[op, default: 0] += 1
    }
    // 1000 expected per op, standard deviation ≈ 29: ±150 is more than 5σ.
    for op in AugmentationOp.allCases { #expect((850...1150).contains(counts[op] ?? 0), "\(op)") }
  }

  @Test(arguments: [28, 32])
  func drawnParametersStayInTheirRanges(_ size: Int) {
    var rng = RandomStream(seed: 50)
    func draw(_ op: AugmentationOp) -> AugmentationDraw.Transform {
      Self.only(op).draw(batch: 2000, height: size, width: size, shared: false, rng: &rng).transform
    }
    guard case .crop(let rows, let columns) = draw(.crop),
      case .cutout(let top, let left, let h, let w) = draw(.cutout),
      case .flip(let mirrored) = draw(.flip), case .scale(let sx, let sy) = draw(.scale),
      case .rotate(let angles) = draw(.rotate),
      case .color(let brightness, let saturation, let contrast) = draw(.color)
    else {
      Issue.record("draws of the wrong op")
      return
    }
    #expect(Set(rows) == Set(-4...4) && Set(columns) == Set(-4...4))
    let side = size / 2
    #expect(h == side && w == side)
    #expect(Set(top.map { $0 + side / 2 }) == Set(0...size))
    #expect(Set(left.map { $0 + side / 2 }) == Set(0...size))
    #expect((900...1100).contains(mirrored.filter { $0 }.count))
    #expect((sx + sy).allSatisfy { $0 >= 1 / 1.2 && $0 < 1.2 })
    #expect(sx != sy)
    #expect(angles.allSatisfy { abs($0) <= 15 * Float.pi / 180 })
    #expect(angles.contains { $0 > 0.25 } && angles.contains { $0 < -0.25 })
    #expect(brightness.allSatisfy { $0 >= -0.5 && $0 < 0.5 })
    #expect(saturation.allSatisfy { $0 >= 0 && $0 < 2 })
    #expect(contrast.allSatisfy { $0 >= 0.5 && $0 < 1.5 })
  }
}

// MARK: - Forward on hand-checkable inputs

extension DiffAugmentTests {
  /// Applies a hand-made draw for x's batch.
  static func run(
    _ transform: AugmentationDraw.Transform, on x: NDArray, shared: Bool = false,
    alignCorners: Bool = false
  ) -> NDArray {
    let draw = AugmentationDraw(
      transform, batch: x.shape[0], height: x.shape[2], width: x.shape[3], shared: shared)
    return only(.color, alignCorners: alignCorners).apply(draw, to: Tensor(x)).value
  }

  @Test func flipMirrorsTheColumnsOfMarkedSamples() {
    let out = Self.run(.flip([true, false]), on: Self.ramp([2, 1, 2, 3]))
    #expect(out.data == [3, 2, 1, 6, 5, 4, 7, 8, 9, 10, 11, 12])
  }

  @Test func cropShiftsAndZeroFills() {
    // out[i, j] = x[i + 1, j − 2] on rows [1 2 3 4], [5 6 7 8], [9 10 11 12].
    let out = Self.run(.crop(rowShift: [1], columnShift: [-2]), on: Self.ramp([1, 1, 3, 4]))
    #expect(out.data == [0, 0, 5, 6, 0, 0, 9, 10, 0, 0, 0, 0])
    // Two channels and a shared draw: every channel of every sample moves alike.
    let x = TestInputs.uniform([3, 2, 5, 5], seed: 60)
    let moved = Self.run(.crop(rowShift: [-2], columnShift: [3]), on: x, shared: true)
    for plane in 0..<6 {
      for i in 0..<5 {
        for j in 0..<5 {
          let (r, c) = (i - 2, j + 3)
          let inside = (0..<5).contains(r) && (0..<5).contains(c)
          let expected = inside ? x.data[(plane * 5 + r) * 5 + c] : 0
          #expect(moved.data[(plane * 5 + i) * 5 + j] == expected)
        }
      }
    }
  }

  @Test func cutoutZeroesTheClippedSquareOnEveryChannel() {
    let ones = NDArray.ones([1, 2, 3, 4])
    let out = Self.run(.cutout(top: [-1], left: [2], height: 2, width: 2), on: ones)
    let plane: [Float] = [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    #expect(out.data == plane + plane)
  }

  @Test func colorAddsBrightnessThenScalesSaturationAndContrast() {
    let x = NDArray(shape: [2, 1, 1, 2], data: [1, 2, 3, 4])
    let bright = Self.run(
      .color(brightness: [0.25, -0.5], saturation: [1, 1], contrast: [1, 1]), on: x)
    #expect(bright.data == [1.25, 2.25, 2.5, 3.5])
    // Saturation about the per-pixel channel mean: channels 1 and 3 (mean 2), factor 0.5.
    let pixel = NDArray(shape: [1, 2, 1, 1], data: [1, 3])
    let saturated = Self.run(.color(brightness: [0], saturation: [0.5], contrast: [1]), on: pixel)
    #expect(saturated.data == [1.5, 2.5])
    // Contrast about the per-sample mean (2), factor 2.
    let contrasted = Self.run(.color(brightness: [0], saturation: [1], contrast: [2]), on: pixel)
    #expect(contrasted.data == [0, 4])
  }

  @Test func colorEqualsTheSequentialComposition() {
    // DSA's three steps written out, against the fused implementation, per-sample factors.
    let x = TestInputs.uniform([3, 3, 4, 5], seed: 65)
    let (b, s, c): ([Float], [Float], [Float]) = ([0.3, -0.2, 0.1], [1.7, 0.2, 1], [0.6, 1.4, 1])
    func perSample(_ v: [Float]) -> Tensor { Tensor(NDArray(shape: [3, 1, 1, 1], data: v)) }
    var y = Tensor(x) + perSample(b)
    var m = y.mean(axes: [1], keepDims: true)
    y = (y - m) * perSample(s) + m
    m = y.mean(axes: [1, 2, 3], keepDims: true)
    y = (y - m) * perSample(c) + m
    let out = Self.run(.color(brightness: b, saturation: s, contrast: c), on: x)
    #expect(Approx.compare(out, y.value, rtol: 1e-5, atol: 1e-6).passed)
  }

  @Test(arguments: [false, true])
  func unitScaleAndZeroRotationAreTheIdentity(_ alignCorners: Bool) {
    let x = TestInputs.uniform([2, 3, 7, 6], seed: 70)
    for transform in [AugmentationDraw.Transform.scale(x: [1], y: [1]), .rotate(radians: [0])] {
      let out = Self.run(transform, on: x, shared: true, alignCorners: alignCorners)
      #expect(Approx.compare(out, x, rtol: 1e-5, atol: 1e-6).passed, "\(transform)")
    }
  }

  @Test func scaleAboveOneShrinksTheContent() {
    // alignCorners: output columns sample x' = 2·(−1, −½, 0, ½, 1) → pixels −2, 0, 2, 4, 6.
    let x = Self.ramp([1, 1, 1, 5])
    let out = Self.run(.scale(x: [2], y: [1]), on: x, alignCorners: true)
    #expect(Approx.compare(out.data, [0, 1, 3, 5, 0], atol: 1e-6).passed)
  }

  @Test func quarterTurnRotatesThePixelGrid() {
    // θ = [[0, −1, 0], [1, 0, 0]]: out[h, w] = in[w, W − 1 − h] on a square, aligned corners.
    let x = Self.ramp([1, 1, 3, 3])
    let out = Self.run(.rotate(radians: [Float.pi / 2]), on: x, alignCorners: true)
    let expected = (0..<9).map { Double(x.data[($0 % 3) * 3 + 2 - $0 / 3]) }
    #expect(Approx.compare(out.data, expected, rtol: 1e-5, atol: 1e-5).passed)
  }

  @Test(arguments: [false, true])
  func affineGridMatchesPyTorchConvention(_ alignCorners: Bool) {
    let theta = TestInputs.uniform([2 * 6], seed: 80).data
    let ours = DiffAugment.affineGrid(
      theta: theta, batch: 2, height: 4, width: 5, alignCorners: alignCorners)
    let reference = TestInputs.affineGrid(
      theta: theta, batch: 2, height: 4, width: 5, alignCorners: alignCorners)
    #expect(Approx.compare(ours, reference, rtol: 1e-6, atol: 1e-7).passed)
  }
}

// MARK: - Gradients

extension DiffAugmentTests {
  /// One random draw of `op` for [2, 3, 6, 6] images.
  static func fixedDraw(_ op: AugmentationOp, shared: Bool = false, seed: UInt64)
    -> AugmentationDraw
  {
    var rng = RandomStream(seed: seed)
    return only(op).draw(batch: 2, height: 6, width: 6, shared: shared, rng: &rng)
  }

  @Test(arguments: AugmentationOp.allCases, [false, true])
  func gradientMatchesFiniteDifferences(_ op: AugmentationOp, _ alignCorners: Bool) {
    let augment = Self.only(op, alignCorners: alignCorners)
    let draw = Self.fixedDraw(op, shared: alignCorners, seed: 90)
    let report = GradientCheck.check(
      inputs: [TestInputs.uniform([2, 3, 6, 6], seed: 91)], eps: 1e-2, rtol: 1e-3, atol: 2e-4,
      seed: 92
    ) { augment.apply(draw, to: $0[0]) }
    #expect(report.passed, "\(op): \(report)")
  }

  @Test(arguments: AugmentationOp.allCases)
  func hessianVectorProductThroughTheAugmentation(_ op: AugmentationOp) {
    // f(x, V) = Σ c ⊙ tanh(flatten(aug(x)) · V): aug is linear, so the curvature comes from
    // tanh, and the double backward runs through every augmentation adjoint.
    let augment = Self.only(op, alignCorners: true)
    let draw = Self.fixedDraw(op, seed: 100)
    let c = Tensor(TestInputs.uniform([2, 3], seed: 101))
    let inputs = [
      TestInputs.uniform([2, 3, 6, 6], seed: 102),
      TestInputs.uniform([108, 3], low: -0.2, high: 0.2, seed: 103),
    ]
    let report = GradientCheck.hessianVector(
      inputs: inputs, eps: 1e-2, rtol: 2e-3, atol: 2e-3, seed: 104
    ) { t in
      (augment.apply(draw, to: t[0]).flattenedRows().matmul(t[1]).tanh() * c).sum()
    }
    #expect(report.passed, "\(op): \(report)")
  }

  @Test(arguments: [AugmentationOp.rotate, .scale, .color])
  func gradientMatchingDifferentiatesThroughTheAugmentation(_ op: AugmentationOp) {
    // DC's outer objective: ‖∇_w CE(net_w(aug(x))) − target‖² differentiated w.r.t. the
    // images x, i.e. a gradient of a gradient that flows back through aug.
    let augment = Self.only(op, alignCorners: false)
    let draw = Self.fixedDraw(op, shared: true, seed: 110)
    let filter = TestInputs.uniform([2, 3, 3, 3], low: -0.3, high: 0.3, seed: 111)
    let head = Tensor(TestInputs.uniform([32, 3], low: -0.3, high: 0.3, seed: 112))
    let target = Tensor(TestInputs.uniform([2, 3, 3, 3], low: -0.1, high: 0.1, seed: 113))
    let report = GradientCheck.check(
      inputs: [TestInputs.uniform([2, 3, 6, 6], seed: 114)], eps: 1e-2, rtol: 1e-2, atol: 1e-3,
      maxElementsPerInput: 24, seed: 115
    ) { t in
      let w = Tensor(filter, requiresGrad: true)
      let features = augment.apply(draw, to: t[0]).conv2d(w).tanh().flattenedRows()
      let loss = Losses.crossEntropy(features.matmul(head), labels: [0, 2])
      let gw = gradients(of: loss, wrt: [w], createGraph: true)[0]
      return (gw - target).square().sum()
    }
    #expect(report.passed, "\(op): \(report)")
  }
}

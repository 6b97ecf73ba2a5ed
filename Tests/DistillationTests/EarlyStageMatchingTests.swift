import Autodiff
import Datasets
import NN
import TensorCore
import TestSupport
import Testing

@testable import Distillation

@Suite(.scratchDirectory) struct EarlyStageMatchingTests {
  func run(_ options: DistillationOptions, pool: ExpertBuffer) throws -> DistillationState {
    let distiller = try Distiller(options: options, source: TinyProblem.source(), experts: pool)
    var state = try distiller.initialState()
    try distiller.run(&state)
    return state
  }

  /// Σ_c L_c of `images`, averaged over four fixed draws (pool member, perturbation, batches,
  /// transform): the objective is an expectation over perturbed models.
  func fixedLoss(_ images: NDArray, pool: ExpertBuffer) throws -> Float {
    let options = TinyProblem.options(.edd)
    let context = try MatchingContext(options: options, source: TinyProblem.source())
    let augment = try StagedAugmentation(strategy: options.augmentation)
    var total: Float = 0
    for seed in UInt64(99)...102 {
      var rng = RandomStream(seed: seed)
      let net = EarlyStageMatching.sampledModel(pool, options, rng: &rng)
      for c in 0..<3 {
        total +=
          EarlyStageMatching.matchClass(
            c, images, net, context, augment, ratio: 0, rng: &rng
          ).0
      }
    }
    return total / 4
  }

  @Test func lowersItsOwnLoss() throws {
    let pool = try TinyProblem.experts()
    let before = try run(TinyProblem.options(.edd, iterations: 0), pool: pool)
    let after = try run(TinyProblem.options(.edd, iterations: 6), pool: pool)
    #expect(after.losses.count == 6)
    let l0 = try fixedLoss(before.set.images, pool: pool)
    let l1 = try fixedLoss(after.set.images, pool: pool)
    #expect(l1 < 0.9 * l0, "edd: \(l0) → \(l1)")
  }

  @Test func sameSeedGivesTheSameSetAndAnotherSeedDoesNot() throws {
    let pool = try TinyProblem.experts()
    var options = TinyProblem.options(.edd, iterations: 2)
    options.mask = .fixed(0.1)
    let a = try run(options, pool: pool)
    let b = try run(options, pool: pool)
    #expect(a.set.images == b.set.images)
    #expect(a.losses == b.losses)
    options.seed = 4
    let c = try run(options, pool: pool)
    #expect(c.set.images != a.set.images)
  }

  @Test func checkpointThenResumeEqualsAnUninterruptedRun() throws {
    let pool = try TinyProblem.experts()
    let source = TinyProblem.source()
    let path = TinyProblem.temporaryPath("edd.npz")
    var first = TinyProblem.options(.edd, iterations: 2)
    first.mask = .dynamic(minimum: 0, maximum: 0.2)
    first.edd.metric = .l1
    first.checkpointEvery = 1
    first.checkpointPath = path
    _ = try run(first, pool: pool)

    var whole = first
    (whole.iterations, whole.checkpointEvery, whole.checkpointPath) = (4, 0, nil)
    let reference = try run(whole, pool: pool)

    var saved = try DistillationState.options(savedIn: path)
    #expect(saved == first)
    saved.iterations = 4
    var resumed = try DistillationState.load(path: path, options: saved)
    #expect(resumed.set.iteration == 2)
    try Distiller(options: saved, source: source, experts: pool).run(&resumed)
    #expect(resumed.set.images == reference.set.images)
    #expect(resumed.losses == reference.losses)
  }

  /// A stop request between matching rounds abandons the iteration and keeps the state.
  @Test func stopBetweenRoundsKeepsTheLastCompletedIteration() throws {
    let options = TinyProblem.options(.edd, iterations: 3)
    let distiller = try Distiller(
      options: options, source: TinyProblem.source(), experts: try TinyProblem.experts())
    var state = try distiller.initialState()
    let initial = state.set.images
    var polls = 0
    #expect(throws: DistillationError.interrupted(iteration: 0)) {
      try distiller.run(
        &state,
        shouldStop: {
          polls += 1
          return polls > 2  // before iteration 0, before round 0, then stop before round 1
        })
    }
    #expect(state.set.iteration == 0 && state.losses.isEmpty)
    #expect(state.set.images == initial)
  }

  /// MDT (paper Eq. 6): the mask multiplies the synthetic images inside the criterion, so
  /// without augmentation the image gradient vanishes exactly on a fraction r of the pixels.
  @Test(arguments: [Float(0.1), 0.3])
  func maskDropsTheRequestedFractionOfSyntheticPixels(_ r: Float) throws {
    let pool = try TinyProblem.experts()
    var options = TinyProblem.options(.edd)
    options.augmentation = "none"
    options.imagesPerClass = 40
    let context = try MatchingContext(options: options, source: TinyProblem.source())
    var rng = RandomStream(seed: 12)
    let images = NDArray(shape: [120, 2, 8, 8], data: rng.normal(120 * 128))
    let net = EarlyStageMatching.sampledModel(pool, options, rng: &rng)
    let augment = try StagedAugmentation(strategy: "none")
    var zeros = 0
    var count = 0
    for c in 0..<3 {
      let (_, grad) = EarlyStageMatching.matchClass(
        c, images, net, context, augment, ratio: r, rng: &rng)
      zeros += grad.data.filter { $0 == 0 }.count
      count += grad.count
    }
    let dropped = Double(zeros) / Double(count)
    // 15,360 Bernoulli draws: 4 standard deviations is below 0.015.
    #expect(abs(dropped - Double(r)) < 0.015, "dropped \(dropped) for r = \(r)")
  }

  @Test func perturbationIsFilterNormalisedAndSkipsVectors() {
    var rng = RandomStream(seed: 3)
    let net = ConvNet(TinyProblem.network, rng: &rng)
    let directions = WeightPerturbation.direction(net.parameters, rng: &rng)
    for (w, d) in zip(net.parameters.values, directions) {
      guard w.rank >= 2 else {
        #expect(d.data.allSatisfy { $0 == 0 })
        continue
      }
      let width = w.count / w.shape[0]
      for row in 0..<w.shape[0] {
        let range = (row * width)..<((row + 1) * width)
        let wn = w.data[range].map { Double($0 * $0) }.reduce(0, +).squareRoot()
        let dn = d.data[range].map { Double($0 * $0) }.reduce(0, +).squareRoot()
        #expect(abs(wn - dn) <= 1e-5 * max(wn, 1))
      }
    }
    let signs = (0..<200).map { _ in WeightPerturbation.coefficient(0.01, 0.09, rng: &rng) }
    #expect(signs.allSatisfy { (0.01...0.09).contains(abs($0)) })
    #expect(signs.contains { $0 < 0 } && signs.contains { $0 > 0 })
  }

  @Test func perturbedWeightsMoveWithinTheRangeAndZeroRangeIsTheIdentity() {
    var rng = RandomStream(seed: 5)
    let net = ConvNet(TinyProblem.network, rng: &rng)
    var draw = RandomStream(seed: 6)
    let moved = WeightPerturbation.perturbed(
      net.parameters, minimum: 0.05, maximum: 0.05, rng: &draw)
    for (w, p) in zip(net.parameters.values, moved.values) {
      let change = (p - w).data.map { Double($0 * $0) }.reduce(0, +).squareRoot()
      let size = w.data.map { Double($0 * $0) }.reduce(0, +).squareRoot()
      if w.rank < 2 {
        #expect(change == 0)
      } else {
        // a·d₁ + b·d₂ with |a| = |b| = 0.05 and ‖dₖ‖ = ‖w‖: at most 0.1‖w‖.
        #expect(change > 0 && change <= 0.1 * size + 1e-6)
      }
    }
    let same = WeightPerturbation.perturbed(net.parameters, minimum: 0, maximum: 0, rng: &draw)
    #expect(same.values == net.parameters.values)
  }

  @Test func stagesFollowTheReferenceOrder() throws {
    let idc = try StagedAugmentation(strategy: "color_crop_cutout")
    #expect(idc.stages.map(\.ops) == [[.color], [.crop], [.cutout]])
    #expect(idc.withoutCutout.stages.map(\.ops) == [[.color], [.crop]])
    let full = try StagedAugmentation(strategy: DiffAugment.standardStrategy)
    #expect(full.stages.map(\.ops) == [[.flip], [.color], [.crop, .scale, .rotate], [.cutout]])
    #expect(try StagedAugmentation(strategy: "none").isIdentity)
  }

  @Test func clampKeepsImagesInTheNormalisedPixelRange() {
    var images = NDArray(shape: [2, 1, 2, 2], data: [-3, 0, 1, 5, -0.5, 2, 2.9, 3])
    EarlyStageMatching.clampToPixelRange(&images, .fashionMNIST)
    let low: Float = -0.2861 / 0.3530
    let high: Float = (1 - 0.2861) / 0.3530
    #expect(images.data == [low, 0, 1, high, -0.5, 2, high, high])
    var raw = NDArray(shape: [1, 1, 1, 2], data: [-3, 5])
    EarlyStageMatching.clampToPixelRange(&raw, .identity(channels: 1))
    #expect(raw.data == [-3, 5])
  }

  @Test func refusesAMissingOrShortPool() throws {
    let source = TinyProblem.source()
    #expect(throws: DistillationError.self) {
      try Distiller(options: TinyProblem.options(.edd), source: source)
    }
    var options = TinyProblem.options(.edd)
    options.edd.poolEpochs = 4
    #expect(throws: DistillationError.self) {
      try Distiller(options: options, source: source, experts: try TinyProblem.experts())
    }
    options.edd.poolEpochs = 1
    options.edd.perturbationMinimum = 0.2
    options.edd.perturbationMaximum = 0.1
    do {
      try options.validate()
      Issue.record("a reversed perturbation range was accepted")
    } catch DistillationError.invalidOption(let field, _) {
      #expect(field == .perturbation)
    }
  }

  @Test func defaultsFollowTheReference() {
    let fm = ConvNetConfig(channels: 1, height: 28, width: 28, classes: 10)
    let o = DistillationOptions(method: .edd, imagesPerClass: 10, network: fm)
    #expect(o.edd.metric == .l1)
    #expect(o.outerLoop == 100 && o.realBatch == 64 && o.iterations == 500)
    #expect(o.augmentation == "color_crop_cutout")
    // 1e-4 on raw pixels × (28/32)² at ipc 10, over σ² = 0.353².
    #expect(abs(o.imageLearningRate - 6.15e-4) < 1e-6)
    let cifar = ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10)
    #expect(
      DistillationOptions(method: .edd, imagesPerClass: 10, network: cifar).edd.metric == .mse)
  }
}

/// EDD's image gradient goes through a gradient: check it against finite differences of the
/// distance for each metric, on the smooth stand-in network of `GradientMatchingCheckTests`.
@Suite struct EarlyStageDistanceCheckTests {
  func distance(_ x: Tensor, metric: GradientMetric) -> Tensor {
    var rng = RandomStream(seed: 31)
    let p = [
      Tensor(NDArray(shape: [3, 1, 3, 3], data: rng.normal(27, std: 0.5)), requiresGrad: true),
      Tensor(NDArray(shape: [3], data: rng.normal(3, std: 0.1)), requiresGrad: true),
      Tensor(NDArray(shape: [2, 27], data: rng.normal(54, std: 0.3)), requiresGrad: true),
    ]
    func forward(_ x: Tensor) -> Tensor {
      let h = x.conv2d(p[0], bias: p[1], padding: 1).tanh().avgPool2d(kernel: 2, stride: 2)
      return h.flattenedRows().matmul(p[2], transposeOther: true)
    }
    let real = Tensor(NDArray(shape: [6, 1, 6, 6], data: rng.normal(216)))
    let gr = gradients(of: Losses.crossEntropy(forward(real), labels: [0, 1, 0, 1, 1, 0]), wrt: p)
      .map { $0.detached() }
    let gs = gradients(
      of: Losses.crossEntropy(forward(x), labels: [1, 0]), wrt: p, createGraph: true)
    return EarlyStageMatching.distance(synthetic: gs, real: gr, metric: metric)
  }

  @Test(arguments: [GradientMetric.l1, .mse, .cos])
  func imageGradientMatchesFiniteDifferences(_ metric: GradientMetric) {
    var rng = RandomStream(seed: 9)
    let x = NDArray(shape: [2, 1, 6, 6], data: rng.normal(72))
    let report = GradientCheck.check(
      inputs: [x], eps: 1e-2, rtol: 1e-2, atol: 1e-4, maxElementsPerInput: 24, seed: 3
    ) { xs in
      distance(xs[0], metric: metric)
    }
    #expect(report.passed, "\(metric): \(report)")
  }

  /// Only the convolution weights enter the distance.
  @Test func onlyConvolutionWeightsCount() {
    let g = [
      Tensor(NDArray(shape: [1, 1, 1, 2], data: [1, 2])),
      Tensor(NDArray(shape: [2], data: [5, 5])),
      Tensor(NDArray(shape: [1, 2], data: [7, 7])),
    ]
    let zero = g.map { Tensor(NDArray.zeros($0.shape)) }
    #expect(EarlyStageMatching.distance(synthetic: zero, real: g, metric: .l1).scalar == 3)
    #expect(EarlyStageMatching.distance(synthetic: zero, real: g, metric: .mse).scalar == 5)
  }
}

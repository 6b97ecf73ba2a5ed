import Autodiff
import Datasets
import NN
import TensorCore
import Testing

@testable import Distillation

@Suite(.scratchDirectory) struct DistillerTests {
  /// The matching loss of `images` under one fixed draw (network, real batches, augmentation).
  func fixedLoss(_ method: DistillMethod, _ images: NDArray, experts: ExpertBuffer? = nil) throws
    -> Float
  {
    let options = TinyProblem.options(method)
    let context = try MatchingContext(options: options, source: TinyProblem.source())
    var rng = RandomStream(seed: 99)
    switch method {
    case .dm:
      return DistributionMatching.gradient(images, context, ratio: 0, rng: &rng).loss
    case .dc, .dsa:
      let net = context.freshNetwork(rng: &rng)
      return GradientMatching.matchAllClasses(images, net, context, ratio: 0, rng: &rng).0
    case .mtt:
      return try TrajectoryMatching.gradient(
        images, stepSize: 0.01, experts: experts!, context, ratio: 0, rng: &rng
      ).loss
    case .edd:
      let net = EarlyStageMatching.sampledModel(experts!, options, rng: &rng)
      let augment = try StagedAugmentation(strategy: options.augmentation)
      return (0..<3).map { c in
        EarlyStageMatching.matchClass(c, images, net, context, augment, ratio: 0, rng: &rng).0
      }.reduce(0, +)
    case .rtp:
      preconditionFailure("an rtp set is bases and addresses: RememberThePastTests")
    }
  }

  func distill(_ method: DistillMethod, iterations: Int, experts: ExpertBuffer? = nil)
    throws -> DistillationState
  {
    let distiller = try Distiller(
      options: TinyProblem.options(method, iterations: iterations), source: TinyProblem.source(),
      experts: experts)
    var state = try distiller.initialState()
    try distiller.run(&state)
    return state
  }

  @Test(arguments: [DistillMethod.dm, .dc, .dsa])
  func lowersItsOwnLoss(_ method: DistillMethod) throws {
    let before = try distill(method, iterations: 0)
    let after = try distill(method, iterations: 6)
    #expect(after.set.iteration == 6)
    #expect(after.losses.count == 6)
    let l0 = try fixedLoss(method, before.set.images)
    let l1 = try fixedLoss(method, after.set.images)
    #expect(l1 < l0, "\(method): \(l0) → \(l1)")
  }

  @Test func mttLowersItsLossAndLearnsTheStepSize() throws {
    let experts = try TinyProblem.experts()
    #expect(experts.count == 2)
    #expect(experts.snapshotCount == 4)
    let before = try distill(.mtt, iterations: 0, experts: experts)
    let after = try distill(.mtt, iterations: 8, experts: experts)
    let l0 = try fixedLoss(.mtt, before.set.images, experts: experts)
    let l1 = try fixedLoss(.mtt, after.set.images, experts: experts)
    #expect(l1 < l0, "mtt: \(l0) → \(l1)")
    #expect(after.set.learningRate != before.set.learningRate)
  }

  @Test(arguments: [DistillMethod.dm, .dsa])
  func sameSeedGivesTheSameSet(_ method: DistillMethod) throws {
    let a = try distill(method, iterations: 2)
    let b = try distill(method, iterations: 2)
    #expect(a.set.images == b.set.images)
    #expect(a.losses == b.losses)
  }

  @Test(arguments: [DistillMethod.dm, .dc, .mtt, .rtp])
  func checkpointThenResumeEqualsAnUninterruptedRun(_ method: DistillMethod) throws {
    let experts = method == .mtt ? try TinyProblem.experts() : nil
    let source = TinyProblem.source()
    let path = TinyProblem.temporaryPath("checkpoint.npz")
    var first = TinyProblem.options(method, iterations: 2)
    first.mask = .dynamic(minimum: 0, maximum: 0.2)
    first.checkpointEvery = 1
    first.checkpointPath = path
    let distiller = try Distiller(options: first, source: source, experts: experts)
    var state = try distiller.initialState()
    try distiller.run(&state)

    var whole = first
    whole.iterations = 4
    whole.checkpointEvery = 0
    whole.checkpointPath = nil
    let uninterrupted = try Distiller(options: whole, source: source, experts: experts)
    var reference = try uninterrupted.initialState()
    try uninterrupted.run(&reference)

    var saved = try DistillationState.options(savedIn: path)
    #expect(saved == first)
    saved.iterations = 4
    var resumed = try DistillationState.load(path: path, options: saved)
    #expect(resumed.set.iteration == 2)
    try Distiller(options: saved, source: source, experts: experts).run(&resumed)
    #expect(resumed.set.images == reference.set.images)
    #expect(resumed.set.memory == reference.set.memory)
    #expect(resumed.set.learningRate == reference.set.learningRate)
    #expect(resumed.losses == reference.losses)
  }

  @Test func stopKeepsTheLastCompletedIteration() throws {
    let distiller = try Distiller(
      options: TinyProblem.options(.dm, iterations: 5), source: TinyProblem.source())
    var state = try distiller.initialState()
    var polls = 0
    #expect(throws: DistillationError.interrupted(iteration: 2)) {
      try distiller.run(
        &state,
        shouldStop: {
          polls += 1
          return polls > 2
        })
    }
    #expect(state.set.iteration == 2)
    #expect(state.losses.count == 2)
  }

  @Test func nonFiniteDataIsReportedWithTheIteration() throws {
    let source = TinyProblem.source()
    var pixels = source.images
    pixels.data[0] = .nan
    let poisoned = try source.replacingImages(pixels)
    var options = TinyProblem.options(.dm)
    options.realBatch = 100  // every real image, so the NaN is drawn
    let distiller = try Distiller(options: options, source: poisoned)
    var state = try distiller.initialState()
    state.set.images = NDArray.zeros(state.set.images.shape)
    #expect(throws: DistillationError.nonFinite(what: "the dm loss", iteration: 0)) {
      try distiller.run(&state)
    }
  }

  @Test func mttRefusesMissingOrShortExperts() throws {
    let source = TinyProblem.source()
    #expect(throws: DistillationError.self) {
      try Distiller(options: TinyProblem.options(.mtt), source: source)
    }
    let experts = try TinyProblem.experts()
    var options = TinyProblem.options(.mtt)
    options.maxStartEpoch = 3
    #expect(throws: DistillationError.self) {
      try Distiller(options: options, source: source, experts: experts)
    }
  }

  @Test func mismatchedNetworkIsAnError() throws {
    var options = TinyProblem.options(.dm)
    options.network.classes = 4
    #expect(throws: DistillationError.self) {
      try Distiller(options: options, source: TinyProblem.source())
    }
  }

  /// MTT's sub-batches (chunk) bound memory and change nothing else.
  @Test func mttChunksDoNotChangeTheGradient() throws {
    let experts = try TinyProblem.experts()
    func gradient(chunk: Int) throws -> IterationGradient {
      var options = TinyProblem.options(.mtt)
      options.studentChunk = chunk
      options.mask = .fixed(0.2)
      let context = try MatchingContext(options: options, source: TinyProblem.source())
      var rng = RandomStream(seed: 5)
      let images = NDArray(shape: [6, 2, 8, 8], data: rng.normal(6 * 128))
      return try TrajectoryMatching.gradient(
        images, stepSize: 0.05, experts: experts, context, ratio: 0.2, rng: &rng)
    }
    let whole = try gradient(chunk: 100)
    let chunked = try gradient(chunk: 2)
    #expect(abs(whole.loss - chunked.loss) < 1e-6)
    let scale = whole.images.data.map(abs).max() ?? 1
    for (a, b) in zip(whole.images.data, chunked.images.data) {
      #expect(abs(a - b) <= 1e-5 * max(scale, 1e-3))
    }
    #expect(
      abs((whole.stepSize ?? 0) - (chunked.stepSize ?? 0)) < 1e-5 * max(1, abs(whole.stepSize ?? 0))
    )
  }

  /// The periodic hook sees every completed iteration; its error stops the run, state kept.
  @Test func afterIterationSeesEveryIterationAndCanStopTheRun() throws {
    struct Stop: Error {}
    let distiller = try Distiller(
      options: TinyProblem.options(.dm, iterations: 4), source: TinyProblem.source())
    var state = try distiller.initialState()
    var seen: [Int] = []
    #expect(throws: Stop.self) {
      try distiller.run(
        &state,
        afterIteration: { s in
          seen.append(s.set.iteration)
          if s.set.iteration == 3 { throw Stop() }
        })
    }
    #expect(seen == [1, 2, 3])
    #expect(state.set.iteration == 3)
  }

  @Test(arguments: [DistillMethod.dm, .dc])
  func aClassWithoutImagesIsRefused(_ method: DistillMethod) throws {
    let full = TinyProblem.source(perClass: 2)
    let keep = full.labels.indices.filter { full.labels[$0] != 1 }
    let holed = try Dataset(
      name: "holed", images: full.images.gatherRows(keep), labels: keep.map { full.labels[$0] },
      classCount: 3)
    #expect(throws: DistillationError.self) {
      try Distiller(options: TinyProblem.options(method), source: holed)
    }
  }
}

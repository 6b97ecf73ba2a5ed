import Datasets
import Dispatch
import TensorCore

/// One report per finished iteration.
public struct DistillationProgress: Sendable {
  public var iteration: Int
  public var iterations: Int
  public var loss: Float
  /// The MDT ratio used in this iteration (0 without masking).
  public var maskRatio: Float
  /// MTT's current step size.
  public var stepSize: Float?
  public var iterationsPerSecond: Double
  public var secondsLeft: Double
}

/// Runs a backbone's iterations on a `DistillationState`: per iteration, the matching
/// gradient, the pixel (and step-size) update, the NaN/Inf check, the checkpoint and the
/// progress report.
///
/// All randomness of iteration i comes from `RandomStream(seed).split(i)`, so the state after
/// iteration i determines the rest of the run: resuming from a checkpoint gives the same set as
/// an uninterrupted run.
public struct Distiller {
  public let options: DistillationOptions
  public let source: Dataset
  public let experts: ExpertBuffer?
  let context: MatchingContext

  /// - Throws: `DistillationError.invalidOption` for options that do not fit the data, or
  ///   MTT without experts of the same network.
  public init(options: DistillationOptions, source: Dataset, experts: ExpertBuffer? = nil) throws {
    try options.validate()
    let n = options.network
    guard source.imageShape == [n.channels, n.height, n.width], source.classCount == n.classes
    else {
      throw DistillationError.invalidOption(
        .network,
        "the network expects \(n.classes) classes of \([n.channels, n.height, n.width]), "
          + "the data has \(source.classCount) of \(source.imageShape)")
    }
    // Every method samples real images of each class (batches, init=real, per-class means).
    if let empty = source.classCounts.firstIndex(of: 0) {
      throw DistillationError.invalidOption(
        .network,
        "class \(empty) ('\(source.classNames[empty])') of \(source.name) has no images; "
          + "every class needs real images (select the others with .classes […] relabel=true)")
    }
    if options.method == .mtt {
      guard let experts else {
        throw DistillationError.invalidOption(
          .experts, "mtt needs expert trajectories (see `experts`)")
      }
      guard experts.network == n else {
        throw DistillationError.invalidOption(
          .experts, "the experts were trained on another network")
      }
      guard options.maxStartEpoch + options.expertEpochs <= experts.snapshotCount - 1 else {
        throw DistillationError.invalidOption(
          .maxStartEpoch,
          "max_start_epoch + expert_epochs (\(options.maxStartEpoch + options.expertEpochs)) "
            + "exceeds the experts' \(experts.snapshotCount - 1) epochs")
      }
    }
    if options.method == .edd { try Self.validatePool(experts, options) }
    self.options = options
    self.source = source
    self.experts = experts
    context = try MatchingContext(options: options, source: source)
  }

  /// The state before iteration 0: initial images, fresh optimizers, the settings recorded.
  public func initialState() throws -> DistillationState {
    var rng = RandomStream(seed: options.seed, stream: 0x696E_6974)  // "init"
    var set =
      options.method == .rtp
      ? try SyntheticSet.initialize(
        memoryFrom: source, budget: options.imagesPerClass, bases: options.bases,
        downsample: options.downsample, initialization: options.initialization, rng: &rng)
      : try SyntheticSet.initialize(
        from: source, imagesPerClass: options.imagesPerClass,
        initialization: options.initialization, rng: &rng)
    set.settings = options.settings
    var stepSize: PixelOptimizer? = nil
    if options.method == .mtt {
      set.learningRate = options.initialStepSize
      stepSize = PixelOptimizer(
        learningRate: options.stepSizeLearningRate, momentum: options.imageMomentum)
    }
    var state = DistillationState(
      set: set,
      imageOptimizer: PixelOptimizer(
        learningRate: options.imageLearningRate, momentum: options.imageMomentum),
      stepSizeOptimizer: stepSize)
    state.dataFingerprint = source.fingerprint
    return state
  }

  /// Runs iterations `state.set.iteration ..< options.iterations`.
  /// - Parameters:
  ///   - progress: after every iteration.
  ///   - shouldStop: polled between iterations (and between DC's outer loops); stopping throws
  ///     `.interrupted` with `state` at the last completed iteration.
  ///   - afterIteration: called with the state after every iteration and its checkpoint
  ///     (periodic evaluation); its errors stop the run with `state` kept.
  /// - Throws: `DistillationError` (non-finite, interrupted), checkpoint write errors, or what
  ///   `afterIteration` throws.
  public func run(
    _ state: inout DistillationState, progress: ((DistillationProgress) -> Void)? = nil,
    shouldStop: () -> Bool = { false },
    afterIteration: ((DistillationState) throws -> Void)? = nil
  ) throws {
    let first = state.set.iteration
    let start = DispatchTime.now()
    for iteration in first..<max(first, options.iterations) {
      if shouldStop() { throw DistillationError.interrupted(iteration: iteration) }
      var next = state
      let ratio = try step(&next, iteration: iteration, shouldStop: shouldStop)
      state = next
      if options.checkpointEvery > 0, let path = options.checkpointPath,
        state.set.iteration % options.checkpointEvery == 0 || iteration == options.iterations - 1
      {
        try state.save(to: path)
      }
      if let progress {
        let done = Double(iteration - first + 1)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        progress(
          DistillationProgress(
            iteration: iteration, iterations: options.iterations, loss: state.losses.last ?? 0,
            maskRatio: ratio, stepSize: state.set.learningRate,
            iterationsPerSecond: done / max(elapsed, 1e-9),
            secondsLeft: elapsed / done * Double(options.iterations - iteration - 1)))
      }
      try afterIteration?(state)
    }
  }

  /// One iteration on `state`; returns the mask ratio it used.
  func step(_ state: inout DistillationState, iteration: Int, shouldStop: () -> Bool) throws
    -> Float
  {
    var rng = RandomStream(seed: options.seed).split(UInt64(iteration))
    let ratio = options.mask.ratio(rng: &rng)
    let loss: Float
    do {
      switch options.method {
      case .dc, .dsa:
        loss = try GradientMatching.iterate(
          &state.set.images, optimizer: &state.imageOptimizer, context, ratio: ratio, rng: &rng,
          shouldStop: shouldStop)
      case .dm:
        let g = DistributionMatching.gradient(state.set.images, context, ratio: ratio, rng: &rng)
        try check(g, iteration)
        state.imageOptimizer.step(&state.set.images, gradient: g.images)
        loss = g.loss
      case .mtt:
        loss = try mttStep(&state, ratio: ratio, iteration: iteration, rng: &rng)
      case .edd:
        guard let experts else {
          throw DistillationError.invalidOption(.experts, "edd needs its early-stage pool")
        }
        loss = try EarlyStageMatching.iterate(
          &state.set.images, optimizer: &state.imageOptimizer, pool: experts, context,
          ratio: ratio, rng: &rng, shouldStop: shouldStop)
      case .rtp:
        loss = try rtpStep(&state, ratio: ratio, iteration: iteration, rng: &rng)
      }
    } catch DistillationError.interrupted {
      throw DistillationError.interrupted(iteration: iteration)
    } catch DistillationError.nonFinite(let what, _) {
      throw DistillationError.nonFinite(what: what, iteration: iteration)
    }
    state.losses.append(loss)
    state.set.iteration = iteration + 1
    return ratio
  }

  private func mttStep(
    _ state: inout DistillationState, ratio: Float, iteration: Int, rng: inout RandomStream
  ) throws -> Float {
    guard let experts, var stepOptimizer = state.stepSizeOptimizer else {
      throw DistillationError.invalidOption(.experts, "mtt needs expert trajectories")
    }
    let stepSize = state.set.learningRate ?? options.initialStepSize
    let g = try TrajectoryMatching.gradient(
      state.set.images, stepSize: stepSize, experts: experts, context, ratio: ratio, rng: &rng)
    try check(g, iteration)
    state.imageOptimizer.step(&state.set.images, gradient: g.images)
    var lr = NDArray(shape: [1], data: [stepSize])
    stepOptimizer.step(&lr, gradient: NDArray(shape: [1], data: [g.stepSize ?? 0]))
    state.stepSizeOptimizer = stepOptimizer
    state.set.learningRate = lr.data[0]
    return g.loss
  }

  /// EDD's pool: experts of the run's network with a snapshot at epoch `poolEpochs`.
  private static func validatePool(_ pool: ExpertBuffer?, _ options: DistillationOptions) throws {
    guard let pool else {
      throw DistillationError.invalidOption(
        .experts, "edd needs a pool of early-stage models (see `experts`)")
    }
    guard pool.network == options.network else {
      throw DistillationError.invalidOption(
        .experts, "the early-stage models were trained on another network")
    }
    guard options.edd.poolEpochs < pool.snapshotCount else {
      throw DistillationError.invalidOption(
        .poolEpochs,
        "pool_epochs (\(options.edd.poolEpochs)) exceeds the pool's \(pool.snapshotCount - 1) epochs"
      )
    }
  }

  /// RTP's outer update (docs/ALGORITHMS.md §16.2): the exact gradient through the unrolled inner
  /// run, its global norm clipped, one SGD-with-momentum step on bases and addresses together.
  private func rtpStep(
    _ state: inout DistillationState, ratio: Float, iteration: Int, rng: inout RandomStream
  ) throws -> Float {
    guard let memory = state.set.memory else {
      throw DistillationError.invalidOption(.bases, "an rtp run needs a set of bases and addresses")
    }
    let g = RememberThePast.gradient(memory, context, ratio: ratio, rng: &rng)
    try check(IterationGradient(loss: g.loss, images: g.parameters), iteration)
    var parameters = memory.flattened
    state.imageOptimizer.step(
      &parameters, gradient: RememberThePast.clipped(g.parameters, maxNorm: RememberThePast.clip))
    state.set.update(memory: memory.replacing(flattened: parameters))
    return g.loss
  }

  private func check(_ g: IterationGradient, _ iteration: Int) throws {
    guard g.loss.isFinite else {
      throw DistillationError.nonFinite(
        what: "the \(options.method.rawValue) loss", iteration: iteration)
    }
    guard g.images.isFinite, (g.stepSize ?? 0).isFinite else {
      throw DistillationError.nonFinite(what: "the image gradient", iteration: iteration)
    }
  }
}

import NN

/// Everything that defines a distillation run besides the source data (docs/ALGORITHMS.md §5–§7
/// defaults).
///
/// `settings` writes the options as "key=value" lines saved with every synthetic set and
/// checkpoint; `init(settings:)` reads them back, which is how `resume` continues a run.
public struct DistillationOptions: Sendable, Equatable {
  public var method: DistillMethod
  public var imagesPerClass: Int
  /// Outer iterations to run (the reference: DC/DSA 1000, DM 20000, MTT 5000).
  public var iterations: Int
  /// SGD step size on the pixels (DC/DSA 0.1, DM 1, MTT 1000) and its momentum (0.5).
  public var imageLearningRate: Float
  public var imageMomentum: Float
  /// Real images per class drawn for each matching step (256).
  public var realBatch: Int
  public var initialization: SyntheticInitialization
  /// DSA strategy string; "none" disables augmentation (DC's setting for CIFAR/FMNIST).
  public var augmentation: String
  /// MDT / MDTds on the synthetic batch.
  public var mask: MaskSchedule
  public var seed: UInt64
  /// The network the matching runs in (ConvNet-3, width may be reduced for CPU time).
  public var network: ConvNetConfig

  /// DC/DSA: outer and inner loop counts per iteration (from ipc by DC's get_loops,
  /// docs/ALGORITHMS.md §5.3).
  public var outerLoop: Int
  public var innerLoop: Int
  /// DC/DSA: plain SGD step size of the inner network updates, and their batch.
  public var networkLearningRate: Float
  public var trainBatch: Int

  /// MTT: student steps N, expert epochs M, maximal start epoch T⁺, lr of the step size,
  /// initial step size (lr_teacher), student batch (nil = the whole set), expert directory.
  public var syntheticSteps: Int
  public var expertEpochs: Int
  public var maxStartEpoch: Int
  public var stepSizeLearningRate: Float
  public var initialStepSize: Float
  public var syntheticBatch: Int?
  public var expertDirectory: String?
  /// MTT: the student batch is processed in sub-batches of at most this many images (peak
  /// memory ∝ this; the result does not depend on it).
  public var studentChunk: Int

  /// EDD: the early-stage pool, perturbation, network updates and distance.
  public var edd: EDDOptions

  /// Write a checkpoint every k iterations (0 = never) to `checkpointPath`.
  public var checkpointEvery: Int
  public var checkpointPath: String?

  /// RTP (docs/ALGORITHMS.md §16): K bases, their downsampling factor ds, and the momentum μ
  /// of the inner SGD (its lr is `networkLearningRate`, its steps `syntheticSteps`, its
  /// per-class batch `syntheticBatch`, default 32).
  public var bases: Int = 16
  public var downsample: Int = 2
  public var innerMomentum: Float = 0.9

  /// The reference defaults of `method` at `imagesPerClass` for `network`.
  public init(method: DistillMethod, imagesPerClass ipc: Int, network: ConvNetConfig) {
    self.method = method
    imagesPerClass = ipc
    self.network = network
    imageMomentum = 0.5
    realBatch = 256
    seed = 0
    mask = .none
    (outerLoop, innerLoop) = Self.loops(imagesPerClass: ipc)
    networkLearningRate = 0.01
    trainBatch = 256
    syntheticSteps = 20
    expertEpochs = 3
    maxStartEpoch = 25
    stepSizeLearningRate = 1e-5
    initialStepSize = 0.01
    syntheticBatch = nil
    expertDirectory = nil
    studentChunk = 50
    checkpointEvery = 0
    checkpointPath = nil
    edd = EDDOptions(network: network)
    switch method {
    case .dc:
      (iterations, imageLearningRate, initialization, augmentation) = (1000, 0.1, .noise, "none")
    case .dsa:
      (iterations, imageLearningRate, initialization) = (1000, 0.1, .real)
      augmentation = DiffAugment.standardStrategy
    case .dm:
      (iterations, imageLearningRate, initialization) = (20000, 1, .real)
      augmentation = DiffAugment.standardStrategy
    case .mtt:
      (iterations, imageLearningRate, initialization) = (5000, 1000, .real)
      augmentation = DiffAugment.standardStrategy
    case .edd:
      (iterations, initialization, realBatch, outerLoop) = (500, .real, 64, 100)
      imageLearningRate = EDDOptions.imageLearningRate(
        metric: edd.metric, imagesPerClass: ipc, network: network)
      augmentation = EDDOptions.defaultAugmentation
    case .rtp:
      (iterations, imageLearningRate, initialization, augmentation) = (1000, 0.1, .noise, "none")
      (realBatch, syntheticSteps) = (64, 150)
    }
  }

  /// DC's get_loops (docs/ALGORITHMS.md §5.3): ipc 1 → (1, 1), 10 → (10, 50), 20 → (20, 25),
  /// 30 → (30, 20), 40 → (40, 15), 50 → (50, 10); other ipc (which the reference rejects) →
  /// (ipc, 10), ddcal's choice.
  public static func loops(imagesPerClass ipc: Int) -> (outer: Int, inner: Int) {
    switch ipc {
    case 1: return (1, 1)
    case 10: return (10, 50)
    case 20: return (20, 25)
    case 30: return (30, 20)
    case 40: return (40, 15)
    case 50: return (50, 10)
    default: return (max(ipc, 1), 10)
    }
  }

  /// RTP's settings that `validate` checks besides the common ones.
  private func validateMemory() throws {
    func require(_ ok: Bool, _ field: DistillationField, _ message: String) throws {
      if !ok { throw DistillationError.invalidOption(field, message) }
    }
    try require(bases >= 1, .bases, "bases must be ≥ 1")
    try require(downsample >= 1, .downsample, "downsample must be ≥ 1")
    try require((0..<1).contains(innerMomentum), .innerMomentum, "inner_momentum must be in [0, 1)")
    try require(
      initialization != .real, .initialization,
      "rtp starts from init=noise (Xavier-uniform bases and addresses, the reference) or "
        + "init=pca (principal components of real images): init=real does not apply")
    _ = try AddressableMemory.addressesPerClass(
      budget: imagesPerClass, classes: network.classes,
      imageShape: [network.channels, network.height, network.width], bases: bases,
      downsample: downsample)
  }

  /// Throws `DistillationError.invalidOption` for values the loops cannot run with.
  public func validate() throws {
    func require(_ ok: Bool, _ field: DistillationField, _ message: String) throws {
      if !ok { throw DistillationError.invalidOption(field, message) }
    }
    try require(imagesPerClass >= 1, .imagesPerClass, "ipc must be at least 1")
    try require(iterations >= 0, .iterations, "iterations must be ≥ 0")
    try require(imageLearningRate > 0, .imageLearningRate, "lr_img must be > 0")
    try require((0..<1).contains(imageMomentum), .imageMomentum, "momentum must be in [0, 1)")
    try require(realBatch >= 1, .realBatch, "batch_real must be ≥ 1")
    try require(outerLoop >= 1, .outerLoop, "outer_loop must be ≥ 1 and inner_loop ≥ 0")
    try require(innerLoop >= 0, .innerLoop, "outer_loop must be ≥ 1 and inner_loop ≥ 0")
    try require(syntheticSteps >= 1, .syntheticSteps, "syn_steps must be ≥ 1")
    try require(expertEpochs >= 1, .expertEpochs, "expert_epochs must be ≥ 1")
    try require(maxStartEpoch >= 1, .maxStartEpoch, "max_start_epoch must be ≥ 1")
    try require(syntheticBatch.map { $0 >= 1 } ?? true, .syntheticBatch, "batch_syn must be ≥ 1")
    try require(studentChunk >= 1, .studentChunk, "chunk must be ≥ 1")
    try require(checkpointEvery >= 0, .checkpointEvery, "checkpoint_every must be ≥ 0")
    try require(
      checkpointEvery == 0 || checkpointPath != nil, .checkpointEvery,
      "checkpoint_every needs a checkpoint path")
    try require(
      method == .rtp || initialization != .pca, .initialization,
      "init=pca makes bases and addresses: rtp only (init=real or init=noise here)")
    try mask.validate()
    try edd.validate()
    if method == .rtp { try validateMemory() }
    _ = try DiffAugment(strategy: augmentation)
    try network.validate()
  }
}

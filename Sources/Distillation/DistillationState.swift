import Datasets
import TensorCore

/// SGD with momentum on a raw array, PyTorch semantics (v ← μv + g, the first v = g;
/// x ← x − η v): the optimizer of the synthetic pixels, of MTT's step size and of RTP's memory.
public struct PixelOptimizer: Sendable, Equatable {
  public var learningRate: Float
  public var momentum: Float
  /// The momentum buffer; nil before the first step.
  public var velocity: NDArray?

  public init(learningRate: Float, momentum: Float, velocity: NDArray? = nil) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.velocity = velocity
  }

  /// One step of x along the gradient g (same shape).
  public mutating func step(_ x: inout NDArray, gradient g: NDArray) {
    var v = g
    if momentum != 0, let old = velocity {
      v = old * momentum
      v.addScaled(g, 1)
    }
    velocity = v
    x.addScaled(v, -learningRate)
  }
}

/// A distillation run between iterations: the set, both optimizers and the loss history.
/// Everything else is derived from the options and the iteration number, so saving this is a
/// complete checkpoint.
public struct DistillationState: Sendable, Equatable {
  public var set: SyntheticSet
  public var imageOptimizer: PixelOptimizer
  /// MTT's step-size optimizer (nil for DC/DSA/DM).
  public var stepSizeOptimizer: PixelOptimizer?
  /// The matching loss of every completed iteration.
  public var losses: [Float]
  /// `Dataset.fingerprint` of the real data the run distils, so `resume` can check it is
  /// given the same data; nil in checkpoints written before it was recorded.
  public var dataFingerprint: String?

  public init(
    set: SyntheticSet, imageOptimizer: PixelOptimizer, stepSizeOptimizer: PixelOptimizer?,
    losses: [Float] = []
  ) {
    self.set = set
    self.imageOptimizer = imageOptimizer
    self.stepSizeOptimizer = stepSizeOptimizer
    self.losses = losses
  }

  /// Writes the state atomically to `path` as a synthetic-set .npz with `ddcal.checkpoint.*`
  /// members (optimizer buffers and the loss history); `SyntheticSet.load` reads it as a set.
  public func save(to path: String) throws {
    var extra: [(String, NPYArray)] = [
      ("ddcal.checkpoint.losses", NPYArray(NDArray(shape: [losses.count], data: losses)))
    ]
    if let v = imageOptimizer.velocity {
      extra.append(("ddcal.checkpoint.image_velocity", NPYArray(v)))
    }
    if let v = stepSizeOptimizer?.velocity {
      extra.append(("ddcal.checkpoint.lr_velocity", NPYArray(v)))
    }
    if let dataFingerprint {
      let bytes = Array(dataFingerprint.utf8)
      extra.append(("ddcal.checkpoint.data", try NPYArray(uint8: bytes, shape: [bytes.count])))
    }
    try NPZ.write(try set.npzMembers(extra: extra), to: path)
  }

  /// Reads a checkpoint; the optimizers get the rates of `options`.
  public static func load(path: String, options: DistillationOptions) throws -> DistillationState {
    let archive = try NPZ.read(path)
    guard let losses = archive["ddcal.checkpoint.losses"]?.float32Array else {
      throw DistillationError.malformedFile(
        path: path, message: "not a checkpoint (no ddcal.checkpoint.losses)")
    }
    let set = try SyntheticSet(npz: archive)
    let velocity = archive["ddcal.checkpoint.image_velocity"]?.float32Array
    // An RTP set's optimizer moves the flattened bases and addresses, not the pixels.
    let optimized = set.memory.map { [$0.parameterCount] } ?? set.images.shape
    if let velocity, velocity.shape != optimized {
      throw DistillationError.malformedFile(
        path: path, message: "image velocity has the wrong shape")
    }
    var state = DistillationState(
      set: set,
      imageOptimizer: PixelOptimizer(
        learningRate: options.imageLearningRate, momentum: options.imageMomentum, velocity: velocity
      ),
      stepSizeOptimizer: nil, losses: losses.data)
    if case .uint8(let bytes)? = archive["ddcal.checkpoint.data"]?.elements {
      state.dataFingerprint = String(decoding: bytes, as: UTF8.self)
    }
    if options.method == .mtt {
      state.stepSizeOptimizer = PixelOptimizer(
        learningRate: options.stepSizeLearningRate, momentum: options.imageMomentum,
        velocity: archive["ddcal.checkpoint.lr_velocity"]?.float32Array)
    }
    return state
  }

  /// The options recorded in a checkpoint or synthetic-set file.
  public static func options(savedIn path: String) throws -> DistillationOptions {
    let set = try SyntheticSet.load(path: path)
    return try DistillationOptions(settings: set.settings)
  }
}

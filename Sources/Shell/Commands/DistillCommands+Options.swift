import Datasets
import Distillation
import Foundation
import NN
import TensorCore

extension DistillCommands {
  /// The network a command builds for `data`'s images.
  static func network(_ data: Dataset, _ args: Arguments) throws -> ConvNetConfig {
    let shape = data.imageShape
    let config = ConvNetConfig(
      channels: shape[0], height: shape[1], width: shape[2], classes: data.classCount,
      depth: try args.int("depth"), netWidth: try args.int("width"))
    do { try config.validate() } catch { throw args.invalid("depth", "\(error)") }
    return config
  }

  /// `distill`'s arguments over the method's reference defaults.
  static func distillationOptions(
    _ method: DistillMethod, _ data: Dataset, _ args: Arguments, _ context: CommandContext
  ) throws -> DistillationOptions {
    let ipc = try args.int("ipc")
    var o = DistillationOptions(
      method: method, imagesPerClass: ipc, network: try network(data, args))
    if args.isGiven("iterations") { o.iterations = try args.int("iterations") }
    if args.isGiven("lr_img") { o.imageLearningRate = Float(try args.float("lr_img")) }
    o.imageMomentum = Float(try args.float("momentum"))
    if args.isGiven("batch_real") { o.realBatch = try args.int("batch_real") }
    if args.isGiven("init") {
      o.initialization = try args.choice("init", as: SyntheticInitialization.self)
    }
    if args.isGiven("aug") { o.augmentation = try args.string("aug") }
    switch try args.choice("mdt", as: MaskChoice.self) {
    case .fixed: o.mask = .fixed(Float(try args.float("r")))
    case .ds:
      let range = try args.floats("r_range")
      guard range.count == 2 else { throw args.invalid("r_range", "give [min, max]") }
      o.mask = .dynamic(minimum: Float(range[0]), maximum: Float(range[1]))
    case .none: o.mask = .none
    }
    if args.isGiven("outer_loop") { o.outerLoop = try args.int("outer_loop") }
    if args.isGiven("inner_loop") { o.innerLoop = try args.int("inner_loop") }
    o.networkLearningRate = Float(try args.float("lr_net"))
    if args.isGiven("syn_steps") { o.syntheticSteps = try args.int("syn_steps") }
    o.expertEpochs = try args.int("expert_epochs")
    o.maxStartEpoch = try args.int("max_start_epoch")
    o.stepSizeLearningRate = Float(try args.float("lr_lr"))
    o.initialStepSize = Float(try args.float("lr_teacher"))
    if args.isGiven("batch_syn") { o.syntheticBatch = try args.int("batch_syn") }
    o.studentChunk = try args.int("chunk")
    if method == .edd { try readEDDOptions(&o, args) }
    o.bases = try args.int("bases")
    o.downsample = try args.int("downsample")
    o.innerMomentum = Float(try args.float("inner_momentum"))
    if args.isGiven("checkpoint") {
      let path = try args.string("checkpoint")
      let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
      do throws(WriteGuard.Refusal) { _ = try WriteGuard.destination(of: path) } catch {
        throw args.invalid("checkpoint", error.reason)
      }
      try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
      o.checkpointPath = path
      o.checkpointEvery = try args.int("checkpoint_every")
    }
    var rng = try context.randomStream()
    o.seed = UInt64(rng.int(in: 0..<Int(Int32.max)))
    do { _ = try DiffAugment(strategy: o.augmentation) } catch {
      throw args.invalid("aug", "\(error)")
    }
    do { try o.validate() } catch let error as DistillationError {
      throw args.invalid(argument(for: error), "\(error)")
    }
    try checkMemory(o, data, args)
    return o
  }

  /// The synthetic set (pixels, their gradients and momentum) and the network at the real
  /// batch; for mtt, the student's unrolled parameters and gradients at each step and one
  /// chunk's activations.
  private static func checkMemory(_ o: DistillationOptions, _ data: Dataset, _ args: Arguments)
    throws
  {
    let pixels = MemoryBudget.product([o.imagesPerClass, data.classCount, 3, 4] + data.imageShape)
    if o.method == .mtt {
      let unrolled = MemoryBudget.product(o.syntheticSteps, o.network.parameterCount, 2, 4)
      try NetworkMemory.check(
        o.network, batch: o.studentChunk, extra: MemoryBudget.sum(pixels, unrolled), args,
        lower: "syn_steps")
    } else {
      try NetworkMemory.check(
        o.network, batch: min(o.realBatch, data.count), extra: pixels, args, lower: "batch_real")
    }
  }

  /// The shell parameter that sets each distillation field: where an engine error points.
  static func parameter(for field: DistillationField) -> String {
    switch field {
    case .imagesPerClass: return "ipc"
    case .iterations: return "iterations"
    case .imageLearningRate: return "lr_img"
    case .imageMomentum: return "momentum"
    case .realBatch: return "batch_real"
    case .outerLoop: return "outer_loop"
    case .innerLoop: return "inner_loop"
    case .syntheticSteps: return "syn_steps"
    case .expertEpochs: return "expert_epochs"
    case .maxStartEpoch: return "max_start_epoch"
    case .syntheticBatch: return "batch_syn"
    case .studentChunk: return "chunk"
    case .checkpointEvery: return "checkpoint_every"
    case .checkpointPath: return "checkpoint"
    case .mask: return "mdt"
    case .augmentation: return "aug"
    case .network: return "data"
    case .experts: return "experts"
    case .settings: return "method"
    case .poolEpochs: return "pool_epochs"
    case .poolModels: return "pool_models"
    case .perturbation: return "perturb"
    case .networkImages: return "net_images"
    case .bases: return "bases"
    case .downsample: return "downsample"
    case .innerMomentum: return "inner_momentum"
    case .initialization: return "init"
    }
  }

  /// The parameter an engine error is about, for the caret ("method" when it names none).
  static func argument(for error: DistillationError) -> String {
    guard case .invalidOption(let field, _) = error else { return "method" }
    return parameter(for: field)
  }

  /// The `experts=` argument: an experts value or a directory; nil when absent.
  static func loadExperts(_ args: Arguments, method: DistillMethod) throws
    -> (buffer: ExpertBuffer, directory: String)?
  {
    guard args.isGiven("experts"), let value = args["experts"] else {
      if method == .mtt {
        throw args.invalid("experts", "mtt needs expert trajectories: ex = experts fm.train …")
      }
      return nil
    }
    if let object = value.object(as: ExpertsObject.self) {
      return (object.buffer, object.directory)
    }
    let directory = try args.string("experts")
    do { return (try ExpertBuffer.load(directory: directory), directory) } catch {
      throw args.invalid("experts", "\(error)")
    }
  }
}

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
    guard (1...1024).contains(config.netWidth) else { throw args.invalid("width", "must be 1…1024") }
    do { try config.validate() } catch { throw args.invalid("depth", "\(error)") }
    return config
  }

  /// `distill`'s arguments over the method's reference defaults.
  static func distillationOptions(
    _ method: DistillMethod, _ data: Dataset, _ args: Arguments, _ context: CommandContext
  ) throws -> DistillationOptions {
    let ipc = try args.int("ipc")
    guard ipc >= 1 else { throw args.invalid("ipc", "must be at least 1") }
    var o = DistillationOptions(method: method, imagesPerClass: ipc, network: try network(data, args))
    if args.isGiven("iterations") { o.iterations = try args.int("iterations") }
    if args.isGiven("lr_img") { o.imageLearningRate = Float(try args.float("lr_img")) }
    o.imageMomentum = Float(try args.float("momentum"))
    o.realBatch = try args.int("batch_real")
    if args.isGiven("init") {
      o.initialization = SyntheticInitialization(rawValue: try args.string("init")) ?? .real
    }
    if args.isGiven("aug") { o.augmentation = try args.string("aug") }
    switch try args.string("mdt") {
    case "fixed": o.mask = .fixed(Float(try args.float("r")))
    case "ds":
      let range = try args.floats("r_range")
      guard range.count == 2 else { throw args.invalid("r_range", "give [min, max]") }
      o.mask = .dynamic(minimum: Float(range[0]), maximum: Float(range[1]))
    default: o.mask = .none
    }
    if args.isGiven("outer_loop") { o.outerLoop = try args.int("outer_loop") }
    if args.isGiven("inner_loop") { o.innerLoop = try args.int("inner_loop") }
    o.networkLearningRate = Float(try args.float("lr_net"))
    o.syntheticSteps = try args.int("syn_steps")
    o.expertEpochs = try args.int("expert_epochs")
    o.maxStartEpoch = try args.int("max_start_epoch")
    o.stepSizeLearningRate = Float(try args.float("lr_lr"))
    o.initialStepSize = Float(try args.float("lr_teacher"))
    if args.isGiven("batch_syn") { o.syntheticBatch = try args.int("batch_syn") }
    o.studentChunk = try args.int("chunk")
    if args.isGiven("checkpoint") {
      let path = try args.string("checkpoint")
      let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
      try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
      o.checkpointPath = path
      o.checkpointEvery = try args.int("checkpoint_every")
    }
    var rng = try context.randomStream()
    o.seed = UInt64(rng.int(in: 0..<Int(Int32.max)))
    do { _ = try DiffAugment(strategy: o.augmentation) } catch { throw args.invalid("aug", "\(error)") }
    do { try o.validate() } catch let error as DistillationError {
      throw args.invalid(argument(for: error), "\(error)")
    }
    return o
  }

  /// The option a validation message is about, for the caret.
  static func argument(for error: DistillationError) -> String {
    let text = "\(error)"
    for name in ["lr_img", "momentum", "batch_real", "outer_loop", "syn_steps", "max_start_epoch",
      "expert_epochs", "batch_syn", "chunk", "checkpoint_every", "iterations", "ipc"]
    where text.contains(name) { return name }
    if text.contains("mask") { return "mdt" }
    if text.contains("expert") { return "experts" }
    if text.contains("strategy") || text.contains("augment") { return "aug" }
    return "method"
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
    if let object = value.object(as: ExpertsObject.self) { return (object.buffer, object.directory) }
    let directory = try args.string("experts")
    do { return (try ExpertBuffer.load(directory: directory), directory) } catch {
      throw args.invalid("experts", "\(error)")
    }
  }
}

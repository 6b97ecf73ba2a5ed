import Cluster
import Datasets
import Distillation
import Foundation
import NN
import TensorCore
import Training

extension GradientMetric: ShellChoice {}

/// `distill edd`: its options and its pool of early-stage models (docs/ALGORITHMS.md §15).
extension DistillCommands {
  /// `distill`'s parameters that only EDD reads.
  static var eddParameters: [Parameter] {
    [
      .keyword(
        "pool_epochs", .int, default: .int(2), bounds: .closed(1, 10_000), unit: "epochs",
        doc: "edd: epochs of real-data training of each early-stage model"),
      .keyword(
        "pool_models", .int, default: .int(5), bounds: .closed(1, 1000),
        doc: "edd: early-stage models to train (no experts=)"),
      .keyword("pool", .path, doc: "edd: directory of the trained pool (default: the session's)"),
      .keyword(
        "perturb", .list(.float), default: .list([.float(0.01), .float(0.09)]),
        bounds: .closed(0, 10),
        doc: "edd: weight perturbation magnitude range [min, max]"),
      .keyword(
        "net_images", .int, default: .int(500), bounds: .closed(1, 1_000_000), unit: "images",
        doc: "edd: real images the network trains on per round"),
      .keyword(
        "metric", .choice(of: GradientMetric.self),
        doc: "edd: gradient distance (default l1 for grayscale, mse otherwise)"),
    ]
  }

  /// Reads the EDD options into `o` (after the shared ones); lr_img follows the metric unless
  /// given.
  static func readEDDOptions(_ o: inout DistillationOptions, _ args: Arguments) throws {
    o.edd.poolEpochs = try args.int("pool_epochs")
    o.edd.poolModels = try args.int("pool_models")
    let range = try args.floats("perturb")
    guard range.count == 2 else { throw args.invalid("perturb", "give [min, max]") }
    (o.edd.perturbationMinimum, o.edd.perturbationMaximum) = (Float(range[0]), Float(range[1]))
    o.edd.networkImages = try args.int("net_images")
    if args.isGiven("metric") {
      o.edd.metric = try args.choice("metric", as: GradientMetric.self)
      if !args.isGiven("lr_img") {
        o.imageLearningRate = EDDOptions.imageLearningRate(
          metric: o.edd.metric, imagesPerClass: o.imagesPerClass, network: o.network)
      }
    }
  }

  /// The pool of `distill edd` without experts=: `pool_models` networks trained
  /// `pool_epochs` epochs on the real data (SGD lr_net, momentum 0.9, weight decay 5e-4,
  /// batch batch_real, the matching augmentation without cutout) into `pool=` or the
  /// session's edd-pool/. Models already in the directory are kept, so an interrupted build
  /// resumes.
  static func trainPool(
    _ options: DistillationOptions, _ data: Dataset, _ context: CommandContext
  ) throws -> (buffer: ExpertBuffer, directory: String) {
    let args = context.arguments
    var directory = "edd-pool"
    if args.isGiven("pool") {
      directory = try args.string("pool")
    } else if let session = try context.session() {
      directory = session.directory.appendingPathComponent("edd-pool").path
    }
    // Only rank 0 records a session: every rank uses its directory.
    directory = String(decoding: Cluster.broadcast(Array(directory.utf8)), as: UTF8.self)
    let strategy = options.augmentation.split(separator: "_").filter { $0 != "cutout" }
      .joined(separator: "_")
    var pool = ExpertOptions(
      count: options.edd.poolModels, epochs: max(options.edd.poolEpochs, 1),
      network: options.network, learningRate: options.networkLearningRate,
      batchSize: options.realBatch, augmentation: strategy.isEmpty ? "none" : strategy,
      seed: options.seed &+ 1)
    pool.momentum = EDDOptions.networkMomentum
    pool.weightDecay = EDDOptions.networkWeightDecay
    let steps = (data.count + pool.batchSize - 1) / pool.batchSize
    let bar = context.progress("edd pool", total: pool.count * pool.epochs * steps, unit: "step")
    do {
      // The pool is small: every rank receives all of it, shared directory or not.
      let buffer = try ExpertTraining.train(
        pool, data: data, directory: directory, gather: true,
        progress: { p in
          let t = p.training
          bar.update(
            (p.expert * t.epochs + t.epoch) * t.stepsPerEpoch + t.step + 1,
            status: String(
              format: "model %d/%d epoch %d/%d loss %.4f", p.expert + 1, p.experts, t.epoch + 1,
              t.epochs, t.loss))
        }, shouldStop: { Interrupt.isRequested })
      bar.finish()
      return (buffer, directory)
    } catch let error as TrainingError {
      bar.finish()
      throw shellError(error, command: "distill", note: "; finished models stay in \(directory)")
    } catch let error as DistillationError {
      bar.finish()
      throw args.invalid(args.isGiven("pool") ? "pool" : "method", "\(error)")
    }
  }
}

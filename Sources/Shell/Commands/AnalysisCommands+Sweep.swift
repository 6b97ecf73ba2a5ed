import Analysis
import Calibration
import Datasets
import Distillation
import Foundation
import NN
import TensorCore
import Training

extension AnalysisCommands {
  static var svdSweep: Command {
    Command(
      name: "svd_sweep", family: .analyze,
      summary: "Accuracy after dropping top singular components, per set and fraction (Fig. 3, 5).",
      discussion: """
        For each set and each fraction in drops=: the set rebuilt without its top ⌈drop·rank⌉
        singular components (svd_drop), then the evaluation protocol (evaluate_set: fresh
        ConvNets, DSA augmentation, test accuracy mean ± std and ECE). The paper's claim: a
        distilled set loses accuracy faster than the full data as components are dropped, and
        MDT slows that loss. A set larger than max_images= is first sampled down (per class,
        seeded) to that size — the full-data arm needs its own CPU budget — and the table says
        what was used. `plot lines` draws accuracy against the percentage dropped.
        """,
      parameters: [
        .positional(
          "sets", .list(.object(of: DatasetObject.self)), doc: "training sets (distilled or real)"),
        .positional("test", .images, doc: "real test images"),
        .keyword(
          "drops", .list(.float), default: .list([0, 0.05, 0.1, 0.15, 0.2].map { .float($0) }),
          bounds: .unitInterval, doc: "fractions of the rank to drop"),
        .keyword("names", .list(.string), doc: "one label per set"),
        .keyword(
          "mode", .choice(of: SpectrumMode.self), default: .choice(SpectrumMode.dataset),
          doc: "one matrix, or one per image and channel"),
        .keyword(
          "models", .int, default: .int(3), bounds: .networks, doc: "networks per (set, fraction)"),
        .keyword(
          "epochs", .int, default: .int(300), bounds: .epochs, unit: "epochs",
          doc: "training epochs per network"),
        .keyword(
          "max_images", .int, default: .int(5000), bounds: .count, unit: "images",
          doc: "larger sets are sampled down to this"),
        .keyword(
          "width", .int, default: .int(128), bounds: .netWidth, unit: "channels",
          doc: "ConvNet width"),
        .keyword("lr", .float, default: .float(0.01), bounds: .learningRate, doc: "learning rate"),
        .keyword("aug", .string, doc: "DSA strategy or \"none\" (default: the full DSA strategy)"),
        .keyword("seed", .int, bounds: .seed, doc: "sampling and initialisation seed"),
      ],
      example: "s = svd_sweep [syn, sub] fm drops=0:0.2:0.05 models=3 epochs=300"
    ) { context in
      try runSweep(context)
    }
  }

  static func runSweep(_ context: CommandContext) throws -> Value {
    let args = context.arguments
    let sets = try args.list("sets").compactMap { $0.object(as: DatasetObject.self)?.dataset }
    guard !sets.isEmpty else { throw args.invalid("sets", "give at least one set") }
    let test = try args.dataset("test", split: .test)
    let names = try sweepNames(sets, args)
    let drops = try args.floats("drops")
    guard drops.allSatisfy({ (0...1).contains($0) }) else {
      throw args.invalid("drops", "fractions must lie in [0, 1]")
    }
    let mode = try args.choice("mode", as: SpectrumMode.self)
    var rng = try context.randomStream()
    let evaluation = try protocolSettings(
      sets[0], test, args, seed: UInt64(rng.int(in: 0..<Int(Int32.max))))
    let limit = try args.int("max_images")
    guard limit >= sets[0].classCount else {
      throw args.invalid("max_images", "must allow one image per class")
    }
    var rows: [SVDSweepObject.Row] = []
    let bar = context.progress("svd_sweep", total: sets.count * drops.count, unit: "run")
    for (index, full) in sets.enumerated() {
      let set = try budgeted(full, limit: limit, rng: &rng, context)
      for fraction in drops {
        let (images, k) = try analysis(args, "drops") {
          try DataSVD.dropTop(set.images, fraction: fraction, mode: mode)
        }
        let rebuilt = try Dataset(
          name: set.name, images: images, labels: set.labels, classCount: set.classCount,
          classNames: set.classNames, normalization: set.normalization)
        let trials: [SyntheticEvaluation.Trial]
        do {
          trials = try evaluation.run(
            train: rebuilt, test: test, shouldStop: { Interrupt.isRequested })
        } catch let error as TrainingError {
          bar.finish()
          throw DistillCommands.shellError(error, command: "svd_sweep")
        }
        let (mean, std) = SyntheticEvaluation.summary(trials)
        let eces = try trials.map {
          try Predictions(logits: $0.test.logits, labels: $0.test.labels).ece(.guo)
        }
        rows.append(
          SVDSweepObject.Row(
            set: names[index], fraction: fraction, dropped: k, accuracy: mean, std: std,
            ece: eces.reduce(0, +) / Double(eces.count)))
        bar.update(
          rows.count,
          status: String(format: "%@ drop %.0f%%: %.2f%%", names[index], 100 * fraction, 100 * mean)
        )
      }
    }
    bar.finish()
    let settings = String(
      format:
        "%d networks × %d epochs, width %d, lr %.4g, aug %@, mode %@, at most %d images per set",
      evaluation.models, evaluation.epochs, evaluation.network.netWidth, evaluation.learningRate,
      evaluation.augmentation, mode.rawValue, limit)
    return .object(SVDSweepObject(rows: rows, settings: settings))
  }

  /// The evaluation protocol every (set, fraction) is trained with.
  static func protocolSettings(_ set: Dataset, _ test: Dataset, _ args: Arguments, seed: UInt64)
    throws
    -> SyntheticEvaluation
  {
    guard test.imageShape == set.imageShape, test.classCount == set.classCount else {
      throw args.invalid(
        "test", "test images \(test.imageShape) do not match the sets' \(set.imageShape)")
    }
    let network = ConvNetConfig(
      channels: set.imageShape[0], height: set.imageShape[1], width: set.imageShape[2],
      classes: set.classCount, depth: 3, netWidth: try args.int("width"))
    do { try network.validate() } catch { throw args.invalid("width", "\(error)") }
    try NetworkMemory.check(network, batch: 256, args, lower: "width")
    let aug = args.isGiven("aug") ? try args.string("aug") : DiffAugment.standardStrategy
    do { _ = try DiffAugment(strategy: aug) } catch { throw args.invalid("aug", "\(error)") }
    let models = try args.int("models")
    let epochs = try args.int("epochs")
    return SyntheticEvaluation(
      models: models, epochs: epochs, learningRate: Float(try args.float("lr")), augmentation: aug,
      network: network, seed: seed)
  }

  /// `set`, or an equal-per-class sample of it when it holds more than `limit` images.
  static func budgeted(
    _ set: Dataset, limit: Int, rng: inout RandomStream, _ context: CommandContext
  )
    throws -> Dataset
  {
    guard set.count > limit else { return set }
    let perClass = max(limit / set.classCount, 1)
    var sample = try set.samplePerClass(perClass, rng: &rng)
    sample.name = set.name
    context.output.line(
      "\(set.name): \(set.count) images, sampled to \(perClass) per class (max_images=\(limit))")
    return sample
  }

  static func sweepNames(_ sets: [Dataset], _ args: Arguments) throws -> [String] {
    guard args.isGiven("names") else { return sets.map(\.name) }
    let names = try args.list("names").compactMap { value -> String? in
      if case .string(let s) = value { return s }
      return nil
    }
    guard names.count == sets.count else {
      throw args.invalid("names", "give one name per set (\(sets.count))")
    }
    return names
  }
}

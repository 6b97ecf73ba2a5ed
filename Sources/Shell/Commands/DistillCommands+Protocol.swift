import Calibration
import Cluster
import Datasets
import Distillation
import Foundation
import NN
import TensorCore
import Training

extension DistillCommands {
  static var experts: Command {
    Command(
      name: "experts", family: .distill,
      summary: "Trains MTT's expert trajectories (or loads the finished ones) into a directory.",
      discussion: """
        docs/ALGORITHMS.md §7.1: plain SGD (lr 0.01, no momentum, no weight decay, no decay), batch
        256, per-sample DSA augmentation; a parameter snapshot at initialisation and after every
        epoch, one expert_<i>.npz per expert. Experts already in the directory are kept, so an
        interrupted build continues where it stopped. Under mpirun, expert i is trained by rank
        i mod N into the directory (shared by the machines), or with gather=true sent to every
        rank, for machines without a shared directory.
        """,
      parameters: [
        .positional("data", .images, doc: "real training images"),
        .keyword(
          "dir", .path, doc: "directory of the trajectories (default: the session's experts/)"),
        .keyword("count", .int, default: .int(5), bounds: .networks, doc: "number of experts"),
        .keyword(
          "epochs", .int, default: .int(15), bounds: .epochs, unit: "epochs",
          doc: "training epochs per expert"),
        .keyword(
          "lr", .float, default: .float(0.01), bounds: .learningRate,
          doc: "expert learning rate (lr_teacher)"),
        .keyword(
          "batch", .int, default: .int(256), bounds: .batch, unit: "images", doc: "minibatch size"),
        .keyword(
          "aug", .string, default: .string(DiffAugment.standardStrategy),
          doc: "DSA strategy or \"none\""),
        .keyword(
          "width", .int, default: .int(128), bounds: .netWidth, unit: "channels",
          doc: "ConvNet width"),
        .keyword("depth", .int, default: .int(3), bounds: .depth, doc: "ConvNet depth"),
        .keyword("seed", .int, bounds: .seed, doc: "initialisation and shuffling seed"),
        .keyword(
          "gather", .bool, default: .bool(false),
          doc: "under mpirun: send every expert to every rank (no shared directory)"),
      ],
      example: "ex = experts fm.train count=2 epochs=10 width=32 dir=\"experts-fm\"",
      exampleNeedsFiles: true
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      var directory = "experts"
      if args.isGiven("dir") {
        directory = try args.string("dir")
        do throws(WriteGuard.Refusal) { try WriteGuard.check(directory: directory) } catch {
          throw args.invalid("dir", error.reason)
        }
      } else if let session = try context.session() {
        directory = session.directory.appendingPathComponent("experts").path
      }
      // Only rank 0 records a session: every rank uses its directory.
      directory = String(decoding: Cluster.broadcast(Array(directory.utf8)), as: UTF8.self)
      var rng = try context.randomStream()
      let options = ExpertOptions(
        count: try args.int("count"), epochs: try args.int("epochs"),
        network: try network(data, args),
        learningRate: Float(try args.float("lr")), batchSize: try args.int("batch"),
        augmentation: try args.string("aug"), seed: UInt64(rng.int(in: 0..<Int(Int32.max))))
      do { _ = try DiffAugment(strategy: options.augmentation) } catch {
        throw args.invalid("aug", "\(error)")
      }
      // Each expert keeps a snapshot of its parameters per epoch until it is written.
      let snapshots = MemoryBudget.product(
        options.epochs + 1, options.network.parameterCount, MemoryLayout<Float>.stride)
      try NetworkMemory.check(
        options.network, batch: min(options.batchSize, data.count), extra: snapshots, args,
        lower: "batch")
      do {
        try FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw args.invalid(
          args.isGiven("dir") ? "dir" : "data",
          "cannot create the directory '\(directory)': \(describeDirectoryError(error, directory))")
      }
      let steps = (data.count + options.batchSize - 1) / options.batchSize
      let bar = context.progress(
        "experts", total: options.count * options.epochs * steps, unit: "step")
      do {
        let buffer = try ExpertTraining.train(
          options, data: data, directory: directory, gather: try args.bool("gather"),
          progress: { p in
            let t = p.training
            bar.update(
              (p.expert * t.epochs + t.epoch) * t.stepsPerEpoch + t.step + 1,
              status: String(
                format: "expert %d/%d epoch %d/%d loss %.4f acc %.3f", p.expert + 1, p.experts,
                t.epoch + 1, t.epochs, t.loss, t.accuracy))
          }, shouldStop: { Interrupt.isRequested })
        bar.finish()
        return .object(ExpertsObject(buffer, directory: directory))
      } catch let error as TrainingError {
        bar.finish()
        throw shellError(error, command: "experts", note: "; finished experts stay in \(directory)")
      } catch let error as CocoaError {
        bar.finish()
        throw ShellError.io(path: directory, message: error.localizedDescription)
      }
    }
  }

  static var evaluateSet: Command {
    Command(
      name: "evaluate_set", family: .distill,
      summary: "The distillation evaluation protocol: trains fresh ConvNets on a set, tests them.",
      discussion: """
        docs/ALGORITHMS.md §3: `models` networks from fresh seeds, SGD momentum 0.9, weight decay
        5e-4, batch 256, lr ×0.1 after half the epochs, per-sample DSA augmentation during training;
        reports test accuracy mean ± std, NLL and ECE (15 bins) of each network. The lr defaults
        to an MTT set's learned step size, else 0.01; aug defaults to none for sets made by dc
        and to the full DSA strategy otherwise. Evaluate a random real subset of the same size
        (fm.train.sample per_class=10) the same way: it is the baseline a distilled set must beat.
        loss=ls|focal and mixup=α train the train-time calibration baselines under the same
        protocol (network i starts from the same initialisation for every loss). epochs=E runs
        exactly E passes, the lr dropping after E/2 (the reference runs E + 1 passes).
        """,
      parameters: [
        .positional(
          "set", .object(of: DatasetObject.self), doc: "training images (distilled or real)"),
        .positional("test", .images, doc: "real test images"),
        .keyword("models", .int, default: .int(5), bounds: .networks, doc: "networks to train"),
        .keyword(
          "epochs", .int, default: .int(300), bounds: .epochs, unit: "epochs",
          doc: "training epochs per network"),
        .keyword(
          "lr", .float, bounds: .learningRate, doc: "learning rate (default: the set's, else 0.01)"),
        .keyword("aug", .string, doc: "DSA strategy or \"none\""),
        .keyword(
          "width", .int, bounds: .netWidth,
          doc: "ConvNet width (default: the set's distillation width, else 128)"),
        .keyword("depth", .int, default: .int(3), bounds: .depth, doc: "ConvNet depth"),
      ] + TrainCommands.baselineParameters + [
        .keyword("seed", .int, bounds: .seed, doc: "initialisation seed")
      ],
      example: "e = evaluate_set syn fm models=5 epochs=300"
    ) { context in
      try runEvaluateSet(context)
    }
  }

  static func runEvaluateSet(_ context: CommandContext) throws -> Value {
    let args = context.arguments
    let object = try args.object("set", as: DatasetObject.self)
    let test = try args.dataset("test", split: .test)
    let train = object.dataset
    var rng = try context.randomStream()
    var evaluation = try evaluationProtocol(
      object, test: test, args, seed: UInt64(rng.int(in: 0..<Int(Int32.max))))
    evaluation.objective = try TrainCommands.objective(args)
    evaluation.mixupAlpha = try TrainCommands.mixupAlpha(args)
    let network = evaluation.network
    let lr = evaluation.learningRate
    let aug = evaluation.augmentation
    let steps = (train.count + 255) / 256
    let bar = context.progress(
      "evaluate_set", total: evaluation.models * evaluation.epochs * steps, unit: "step")
    let trials: [SyntheticEvaluation.Trial]
    do {
      trials = try evaluation.run(
        train: train, test: test,
        progress: { p in
          let t = p.training
          bar.update(
            (p.model * t.epochs + t.epoch) * t.stepsPerEpoch + t.step + 1,
            status: String(
              format: "model %d/%d epoch %d/%d loss %.4f", p.model + 1, p.models, t.epoch + 1,
              t.epochs, t.loss))
        }, shouldStop: { Interrupt.isRequested })
      bar.finish()
    } catch let error as TrainingError {
      bar.finish()
      throw shellError(error, command: "evaluate_set")
    }
    let rows = try trials.map { trial in
      let predictions = try Predictions(logits: trial.test.logits, labels: trial.test.labels)
      return SetEvaluationObject.Row(
        model: ModelObject(
          trial.model,
          origin: "ConvNet-\(network.depth) w\(network.netWidth) trained on \(train.name)"
            + TrainCommands.baselineSuffix(args)),
        accuracy: trial.test.accuracy, nll: trial.test.nll, ece: predictions.ece(.guo))
    }
    return .object(
      SetEvaluationObject(rows: rows, setName: train.name, testName: test.name, lr: lr, aug: aug))
  }
}

extension DistillCommands {
  /// The evaluation protocol for a set, from models=, epochs=, lr=, aug=, width= and depth=:
  /// lr defaults to an MTT set's learned step size (else 0.01), aug to none for DC sets (else
  /// the full DSA strategy), the width to the set's distillation width (else 128).
  static func evaluationProtocol(
    _ object: DatasetObject, test: Dataset, _ args: Arguments, seed: UInt64
  ) throws -> SyntheticEvaluation {
    let train = object.dataset
    let saved = object.synthetic.flatMap { try? DistillationOptions(settings: $0.settings) }
    var network =
      saved?.network
      ?? ConvNetConfig(
        channels: train.imageShape[0], height: train.imageShape[1], width: train.imageShape[2],
        classes: train.classCount)
    if args.isGiven("width") { network.netWidth = try args.int("width") }
    network.depth = try args.int("depth")
    do { try network.validate() } catch { throw args.invalid("depth", "\(error)") }
    try NetworkMemory.check(network, batch: min(256, train.count), args, lower: "width")
    guard test.imageShape == train.imageShape, test.classCount == train.classCount else {
      throw args.invalid(
        "test", "test images \(test.imageShape) do not match the set's \(train.imageShape)")
    }
    let lr =
      args.isGiven("lr") ? Float(try args.float("lr")) : object.synthetic?.learningRate ?? 0.01
    guard lr > 0, lr.isFinite else { throw args.invalid("lr", "must be a positive number") }
    let aug =
      args.isGiven("aug")
      ? try args.string("aug") : saved?.method == .dc ? "none" : DiffAugment.standardStrategy
    do { _ = try DiffAugment(strategy: aug) } catch { throw args.invalid("aug", "\(error)") }
    let evaluation = SyntheticEvaluation(
      models: try args.int("models"), epochs: try args.int("epochs"), learningRate: lr,
      augmentation: aug, network: network, seed: seed)
    guard evaluation.models >= 1, evaluation.models <= 1000 else {
      throw args.invalid("models", "must be 1…1000")
    }
    guard evaluation.epochs >= 1, evaluation.epochs <= 1_000_000 else {
      throw args.invalid("epochs", "must be 1…1000000")
    }
    return evaluation
  }

  /// The eval_every hook of `distill`: every k iterations, the protocol on the current set.
  static func periodicEvaluation(_ options: DistillationOptions, _ context: CommandContext) throws
    -> ((DistillationState, Progress) throws -> Void)?
  {
    let args = context.arguments
    guard args.isGiven("eval_every"), case .int(let every)? = args["eval_every"], every > 0 else {
      return nil
    }
    guard let test = try args.optionalDataset("test", split: .test) else {
      throw args.invalid("eval_every", "give the test images too: test=fm")
    }
    let models = try args.int("eval_models")
    let epochs = try args.int("eval_epochs")
    return { state, bar in
      guard state.set.iteration % every == 0 else { return }
      let evaluation = SyntheticEvaluation(
        models: models, epochs: epochs, learningRate: state.set.learningRate ?? 0.01,
        augmentation: options.method == .dc ? "none" : DiffAugment.standardStrategy,
        network: options.network, seed: options.seed)
      let trials = try evaluation.run(
        train: try state.set.dataset(), test: test, shouldStop: { Interrupt.isRequested })
      let (mean, std) = SyntheticEvaluation.summary(trials)
      var eces: [Double] = []
      for trial in trials {
        eces.append(try Predictions(logits: trial.test.logits, labels: trial.test.labels).ece(.guo))
      }
      bar.finish()
      context.output.line(
        String(
          format: "iteration %d: test accuracy %.4f ± %.4f, ECE %.4f (%d networks × %d epochs)",
          state.set.iteration, mean, std, eces.reduce(0, +) / Double(max(eces.count, 1)), models,
          epochs))
    }
  }
}

extension DistillCommands {
  /// A training loop's stop as the shell reports it: Ctrl-C (`note` added to where it stopped)
  /// or a failure of `command`.
  static func shellError(_ error: TrainingError, command: String, note: String = "") -> ShellError {
    if case .interrupted(let epoch, let step) = error {
      Interrupt.clear()
      return .interrupted(at: "epoch \(epoch + 1), step \(step + 1)" + note)
    }
    return .commandFailed(command: command, message: "\(error)")
  }
}

extension DistillCommands {
  /// Why `directory` could not be created, as one line: Foundation's errors on Linux carry no
  /// POSIX reason, so the last step is retried with mkdir(2) for its errno ("No such file or
  /// directory", "Permission denied"), never the raw NSError dump.
  static func describeDirectoryError(_ error: Error, _ directory: String) -> String {
    if mkdir(directory, 0o755) != 0 { return String(cString: strerror(errno)) }
    return (error as NSError).localizedDescription
  }
}

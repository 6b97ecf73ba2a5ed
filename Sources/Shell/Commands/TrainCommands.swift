import Calibration
import Datasets
import Foundation
import NN
import Optim
import TensorCore
import Training

/// Training and evaluating networks.
public enum TrainCommands: CommandProvider {
  public static var commands: [Command] { [train, eval] }

  static var train: Command {
    Command(
      name: "train", family: .train, summary: "Trains a model with SGD (momentum, weight decay).",
      discussion: """
        The reference recipe (docs/ALGORITHMS.md §2): SGD momentum 0.9, weight decay 5e-4, batch
        256, lr ×0.1 after half the epochs (schedule=step) with the momentum reset. Train-time
        calibration baselines: loss=ls (label smoothing ε = smoothing, on log-probabilities),
        loss=focal (γ = gamma; 3 as in Mukhoti et al. 2020), mixup=α (λ ~ Beta(α, α), mixed
        before augmentation). aug= applies per-sample DSA augmentation to every batch, as the
        evaluation protocol does (aug="color_crop_cutout_flip_scale_rotate"); none by default.
        epochs=E runs exactly E passes over the data, the lr dropping after E/2 of them (the
        reference loop runs E + 1 passes; use epochs=301 to match its 300). Ctrl-C stops after
        the current step and keeps the model as trained so far (h = train … still binds the
        history of the steps taken); session.ddc then records the statement with steps=k,
        which stops at the same step, so a replay reaches the same weights. A NaN or infinite
        loss stops with the epoch and step.
        """,
      parameters: [
        .positional("model", .object(of: ModelObject.self), doc: "the network (trained in place)"),
        .positional("data", .images, doc: "training images"),
        .keyword(
          "epochs", .int, default: .int(5), bounds: .epochs, unit: "epochs",
          doc: "passes over the data"),
        .keyword(
          "lr", .float, default: .float(0.01), bounds: .learningRate,
          doc: "learning rate"),
        .keyword(
          "batch", .int, default: .int(256), bounds: .batch, unit: "images",
          doc: "minibatch size"),
        .keyword("momentum", .float, default: .float(0.9), bounds: .fraction, doc: "SGD momentum"),
        .keyword(
          "wd", .float, default: .float(5e-4), bounds: .closed(0, 1), doc: "weight decay"),
        .keyword(
          "schedule", .choice(of: ScheduleChoice.self), default: .choice(ScheduleChoice.step),
          doc: "lr ×0.1 after half the epochs, or constant"),
      ] + baselineParameters + [
        .keyword(
          "aug", .string, default: .string("none"), doc: "DSA strategy or \"none\" (per batch)"),
        .keyword("seed", .int, bounds: .seed, doc: "shuffling/mixup/augmentation seed"),
        .keyword(
          "steps", .int, bounds: .atLeast(0), unit: "steps",
          doc: "stop after this many steps of the epochs= run (its schedule unchanged)"),
      ],
      example: "train net fm.train epochs=5 lr=0.01 batch=256"
    ) { context in
      try runTraining(context)
    }
  }

  /// loss=, smoothing=, gamma= and mixup=: the train-time calibration baselines, shared by
  /// train and evaluate_set.
  static var baselineParameters: [Parameter] {
    [
      .keyword(
        "loss", .choice(of: LossChoice.self), default: .choice(LossChoice.ce),
        doc: "cross-entropy, label smoothing or focal loss"),
      .keyword(
        "smoothing", .float, default: .float(0.1), bounds: .fraction,
        doc: "label smoothing ε (loss=ls)"),
      .keyword(
        "gamma", .float, default: .float(3), bounds: .closed(0, 100),
        doc: "focal loss γ (loss=focal)"),
      .keyword(
        "mixup", .float, default: .float(0), bounds: .mixupAlpha,
        doc: "mixup α; 0 disables mixup"),
    ]
  }

  static func trainingOptions(_ args: Arguments, seed: UInt64) throws -> TrainingOptions {
    let epochs = try args.int("epochs")
    let batch = try args.int("batch")
    let schedule: Schedule
    switch try args.choice("schedule", as: ScheduleChoice.self) {
    case .step: schedule = .stepAtHalf(factor: 0.1)
    case .constant: schedule = .constant
    }
    var options = TrainingOptions(
      epochs: epochs, batchSize: batch, learningRate: Float(try args.float("lr")),
      momentum: Float(try args.float("momentum")), weightDecay: Float(try args.float("wd")),
      schedule: schedule, objective: try objective(args), mixupAlpha: try mixupAlpha(args),
      seed: seed)
    if args.isGiven("steps") { options.stopAfterSteps = try args.int("steps") }
    return options
  }

  /// The loss of loss=, smoothing= and gamma= (shared by train, evaluate_set and
  /// calibration_table).
  static func objective(_ args: Arguments) throws -> Objective {
    switch try args.choice("loss", as: LossChoice.self) {
    case .ls: return .labelSmoothing(epsilon: Float(try args.float("smoothing")))
    case .focal: return .focal(gamma: Float(try args.float("gamma")))
    case .ce: return .crossEntropy
    }
  }

  /// mixup= as an optional α (0 disables mixup; the declared range bounds it).
  static func mixupAlpha(_ args: Arguments) throws -> Float? {
    let mixup = try args.float("mixup")
    return mixup > 0 ? Float(mixup) : nil
  }

  /// The per-batch DSA augmentation of aug= (no ops for "none").
  static func augmentation(_ args: Arguments) throws -> DiffAugment {
    do { return try DiffAugment(strategy: try args.string("aug")) } catch let error
      as ArgumentFailure
    {
      throw error
    } catch {
      throw args.invalid("aug", "\(error)")
    }
  }

  static func runTraining(_ context: CommandContext) throws -> Value {
    let args = context.arguments
    let model = try args.object("model", as: ModelObject.self)
    let data = try args.dataset("data")
    var rng = try context.randomStream()
    let options = try trainingOptions(args, seed: UInt64(rng.int(in: 0..<Int(Int32.max))))
    try NetworkMemory.check(
      model.model.config, batch: min(options.batchSize, data.count), args, lower: "batch")
    let steps = (data.count + options.batchSize - 1) / options.batchSize
    let bar = context.progress("train", total: options.epochs * steps, unit: "step")
    var records: [EpochRecord] = []
    do {
      try Trainer(options: options, augmentation: try augmentation(args)).train(
        model.model, images: data.images, labels: data.labels, records: &records,
        progress: { p in
          bar.update(
            p.epoch * p.stepsPerEpoch + p.step + 1,
            status: String(
              format: "epoch %d/%d loss %.4f acc %.3f %.0f img/s", p.epoch + 1, p.epochs, p.loss,
              p.accuracy, p.imagesPerSecond))
        }, shouldStop: { Interrupt.isRequested })
      bar.finish()
      model.temperature = 1
      model.origin = describe(model, data, args)
      return .object(HistoryObject(records))
    } catch let error as TrainingError {
      bar.finish()
      switch error {
      case .interrupted(let epoch, let step):
        // The weights changed in place: the model is what `steps=` replays to.
        model.temperature = 1
        model.origin = describe(model, data, args)
        context.keepPartialResult(.object(HistoryObject(records)))
        context.recordReplay(option: "steps", value: "\(epoch * steps + step)")
        throw ShellError.interrupted(at: "epoch \(epoch + 1), step \(step + 1)")
      case .invalidInput(let message): throw args.invalid("data", message)
      case .nonFinite(_, let epoch, let step):
        // The check runs before the update: the model holds the last finite step's weights.
        model.temperature = 1
        model.origin = describe(model, data, args)
        context.keepPartialResult(.object(HistoryObject(records)))
        context.recordReplay(option: "steps", value: "\(epoch * steps + step)")
        throw ShellError.commandFailed(command: "train", message: "\(error)")
      }
    }
  }

  /// "ConvNet-3 w128 trained on fashion-mnist/train (loss=ls, mixup=1)" for tables and legends.
  static func describe(_ model: ModelObject, _ data: Dataset, _ args: Arguments) -> String {
    let c = model.model.config
    var suffix = baselineSuffix(args)
    if let aug = try? args.string("aug"), aug != "none" {
      suffix = suffix.isEmpty ? " (aug)" : suffix.dropLast() + ", aug)"
    }
    return "ConvNet-\(c.depth) w\(c.netWidth) trained on \(data.name)\(suffix)"
  }

  /// " (loss=ls, mixup=1)" for a network trained with a calibration baseline, else "".
  static func baselineSuffix(_ args: Arguments) -> String {
    var options: [String] = []
    if let loss = try? args.string("loss"), loss != "ce" { options.append("loss=\(loss)") }
    if let mixup = try? args.float("mixup"), mixup > 0 { options.append("mixup=\(mixup)") }
    return options.isEmpty ? "" : " (" + options.joined(separator: ", ") + ")"
  }

  static var eval: Command {
    Command(
      name: "eval", family: .train,
      summary: "Evaluates a model on a dataset: its predictions (accuracy, NLL, ECE, logits).",
      discussion: """
        Uses the model's temperature (1 unless calibrated). Returns a predictions value — raw
        logits, labels and T — that metrics, calibrate method=ts, plot reliability/hist,
        maxlogit and scale take directly; `r.temperature 1.5` re-reads it without rerunning
        the network. ECE here uses 15 equal-width bins closed on the right (Guo et al. 2017).
        A model's logits on a dataset are computed once and cached until its weights change.
        """,
      parameters: [
        .positional("model", .object(of: ModelObject.self), doc: "the network"),
        .positional("data", .images, doc: "labelled images (a data pair uses its test split)"),
        .keyword(
          "batch", .int, default: .int(256), bounds: .batch, unit: "images",
          doc: "evaluation batch size"),
      ],
      example: "r = eval net fm.test"
    ) { context in
      let args = context.arguments
      let model = try args.object("model", as: ModelObject.self)
      let data = try args.dataset("data", split: .test)
      let batch = try args.int("batch")
      try NetworkMemory.check(
        model.model.config, batch: min(batch, data.count), args, lower: "batch")
      return .object(try Scored.of(model, on: data, args, batchSize: batch))
    }
  }

  static func checkFits(
    _ model: ModelObject, _ data: Dataset, _ args: Arguments, at parameter: String = "data"
  ) throws {
    let c = model.model.config
    guard data.imageShape == [c.channels, c.height, c.width], data.classCount <= c.classes else {
      throw args.invalid(
        parameter,
        "images \(data.imageShape) with \(data.classCount) classes do not fit the model's input "
          + "\([c.channels, c.height, c.width]) with \(c.classes) classes")
    }
  }
}

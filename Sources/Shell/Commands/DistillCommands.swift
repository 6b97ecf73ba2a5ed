import Datasets
import Distillation
import Foundation
import NN
import TensorCore
import Training

/// Distilling datasets: `distill`, `resume` (and `experts`, `evaluate_set` in
/// DistillCommands+Protocol.swift).
public enum DistillCommands: CommandProvider {
  public static var commands: [Command] { [distill, resume, experts, evaluateSet] }

  static var distill: Command {
    Command(
      name: "distill", family: .distill,
      summary:
        "Distils a dataset into ipc learnable images per class (DC, DSA, DM, MTT, EDD, RTP; MDT).",
      discussion: """
        Backbones (docs/ALGORITHMS.md §5–§7, §15, §16): dc (gradient matching, second order), dsa
        (dc with siamese DSA augmentation), dm (class-mean embedding matching, first order, the
        cheapest), mtt (trajectory matching through syn_steps unrolled student steps against
        expert snapshots — build them with `experts`; memory stays flat in syn_steps) and edd
        (gradient matching on early-stage models: each iteration takes one model of a pool
        trained pool_epochs epochs on real data, perturbs its weights along two random
        filter-normalised directions with magnitudes in perturb, then runs outer_loop rounds of
        one pixel step per class on the metric distance of the conv-weight gradients and an SGD
        update of the network on net_images real images; the pool is experts= (their snapshot
        at pool_epochs) or else trained first, pool_models networks into pool=). Unset options
        take the reference defaults of the method: iterations dc/dsa 1000, dm 20000, mtt 5000,
        edd 500; lr_img 0.1 / 0.1 / 1 / 1000, edd by metric (l1 6.1e-4·ipc/10 at 28×28);
        init noise for dc, real otherwise; aug none for dc, "color_crop_cutout" for edd, the
        full DSA strategy otherwise; edd: batch_real 64, outer_loop 100. Those runs take hours
        to days on a CPU: start with fewer iterations and width=32.
        rtp (Remember the Past, docs/ALGORITHMS.md §16) learns `bases` shared memories at
        1/downsample resolution and one address (K coefficients) per image; ipc stays a storage
        budget that the bases and addresses share, so the set holds many more images than ipc
        per class (`.bases` and `.addresses` show them). Each iteration trains a fresh network
        syn_steps steps (default 150) of SGD (lr_net, inner_momentum) on batch_syn images per
        class (default 32) and back-propagates the cross-entropy on batch_real real images per
        class (default 64) exactly through every step; the outer step is SGD lr_img 0.1,
        momentum 0.5, gradient norm clipped to 2. Defaults: 1000 iterations, aug none, init
        noise (both Xavier-uniform, as the reference); init=pca (not in the reference) starts
        the bases from the top principal components of ipc′ real images per class at the bases'
        resolution and the addresses from their projections, so a short run starts from real
        images.
        mdt=fixed zeroes each synthetic input element with probability r before the backbone's
        criterion (no rescaling; Masked Distillation Training, paper §4.2; for edd, each class's
        synthetic images at every matching step, the paper's Eq. 6); mdt=ds draws r per
        iteration from U[r_range]. No public MDT code exists: this is our reconstruction.
        checkpoint="file.npz" writes the state every checkpoint_every iterations (atomically);
        `resume` continues it with the same result as an uninterrupted run. Ctrl-C stops after
        the current iteration and still binds the set made so far (and writes the checkpoint);
        session.ddc then records the statement with stop=k, which stops at the same iteration,
        so a replay rebuilds the same set. eval_every=k test=fm trains
        eval_models fresh networks on the set every k iterations (the protocol of
        `evaluate_set`) and prints their test accuracy and ECE.
        """,
      parameters: [
        .positional("method", .choice(of: DistillMethod.self), doc: "backbone"),
        .positional("data", .images, doc: "real training images"),
        .keyword(
          "ipc", .int, default: .int(10), bounds: .perClass, unit: "images/class",
          doc: "synthetic images per class"),
        .keyword(
          "iterations", .int, bounds: .closed(0, 1_000_000),
          doc: "outer iterations (default: the method's reference value)"),
        .keyword(
          "lr_img", .float, bounds: .learningRate, doc: "pixel learning rate (default per method)"),
        .keyword(
          "momentum", .float, default: .float(0.5), bounds: .fraction, doc: "pixel SGD momentum"),
        .keyword(
          "batch_real", .int, bounds: .batch, unit: "images/class",
          doc: "real images per class per match (default 256; edd, rtp 64)"),
        .keyword(
          "init", .choice(of: SyntheticInitialization.self),
          doc: "initial images (pca: rtp only)"),
        .keyword(
          "aug", .string,
          doc: "DSA strategy, e.g. \"color_crop_cutout_flip_scale_rotate\", or \"none\""),
        .keyword(
          "mdt", .choice(of: MaskChoice.self), default: .choice(MaskChoice.none),
          doc: "masked distillation"),
        .keyword(
          "r", .float, default: .float(0.1), bounds: .fraction, doc: "MDT drop ratio (mdt=fixed)"),
        .keyword(
          "r_range", .list(.float), default: .list([.float(0), .float(0.1)]),
          bounds: .unitInterval, doc: "MDTds range (mdt=ds)"),
        .keyword(
          "width", .int, default: .int(128), bounds: .netWidth, unit: "channels",
          doc: "ConvNet width"),
        .keyword("depth", .int, default: .int(3), bounds: .depth, doc: "ConvNet depth"),
        .keyword(
          "outer_loop", .int, bounds: .closed(1, 100_000),
          doc: "dc/dsa outer loops (default from ipc), edd rounds (100)"),
        .keyword(
          "inner_loop", .int, bounds: .closed(0, 100_000),
          doc: "dc/dsa network epochs between matches (default from ipc)"),
        .keyword(
          "lr_net", .float, default: .float(0.01), bounds: .learningRate,
          doc: "dc/dsa/edd/rtp network lr"),
        .keyword(
          "syn_steps", .int, bounds: .closed(1, 10_000),
          doc: "mtt student steps N (default 20); rtp inner steps (150)"),
        .keyword(
          "expert_epochs", .int, default: .int(3), bounds: .closed(1, 10_000),
          doc: "mtt target epochs M"),
        .keyword(
          "max_start_epoch", .int, default: .int(25), bounds: .closed(1, 1_000_000),
          doc: "mtt start epoch bound T+"),
        .keyword(
          "lr_lr", .float, default: .float(1e-5), bounds: .closed(0, 1e6),
          doc: "mtt step-size learning rate"),
        .keyword(
          "lr_teacher", .float, default: .float(0.01), bounds: .learningRate,
          doc: "mtt initial step size"),
        .keyword(
          "batch_syn", .int, bounds: .batch,
          doc: "mtt student batch (default: the whole set); rtp images per class per step (32)"),
        .keyword(
          "chunk", .int, default: .int(50), bounds: .batch, unit: "images",
          doc: "mtt/rtp sub-batch per graph (memory ∝ chunk)"),
        .keyword(
          "bases", .int, default: .int(16), bounds: .closed(1, 4096),
          doc: "rtp shared bases (memories) K"),
        .keyword(
          "downsample", .int, default: .int(2), bounds: .closed(1, 1024),
          doc: "rtp bases at 1/downsample of the image side"),
        .keyword(
          "inner_momentum", .float, default: .float(0.9), bounds: .fraction,
          doc: "rtp inner SGD momentum"),
        .keyword(
          "experts", .oneOf([.object(of: ExpertsObject.self), .path]),
          doc: "mtt expert trajectories; edd: the pool (their snapshots at pool_epochs)"),
      ] + eddParameters + [
        .keyword("checkpoint", .path, doc: "checkpoint file (.npz)"),
        .keyword(
          "checkpoint_every", .int, default: .int(10), bounds: .closed(0, 1_000_000),
          unit: "iterations",
          doc: "checkpoint interval"),
        .keyword(
          "eval_every", .int, default: .int(0), bounds: .closed(0, 1_000_000), unit: "iterations",
          doc: "evaluate the set every k iterations (0: never)"),
        .keyword("test", .images, doc: "test images for eval_every"),
        .keyword(
          "eval_models", .int, default: .int(1), bounds: .networks,
          doc: "networks per periodic evaluation"),
        .keyword(
          "eval_epochs", .int, default: .int(300), bounds: .epochs, unit: "epochs",
          doc: "epochs per periodic evaluation"),
        .keyword("seed", .int, bounds: .seed, doc: "initialisation and sampling seed"),
        stopParameter,
      ],
      example: """
        syn = distill dm fm.train ipc=10 iterations=200 width=32 mdt=fixed r=0.1
        mem = distill rtp fm.train ipc=1 bases=16 syn_steps=10 batch_syn=4 iterations=100 width=16
        """
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      let method = try args.choice("method", as: DistillMethod.self)
      var options = try distillationOptions(method, data, args, context)
      var experts = try loadExperts(args, method: method)
      if method == .edd, experts == nil { experts = try trainPool(options, data, context) }
      options.expertDirectory = experts?.directory
      let distiller = try makeDistiller(options, data, experts?.buffer, args)
      var state: DistillationState
      do { state = try distiller.initialState() } catch let error as DatasetError {
        throw args.invalid("ipc", "\(error)")
      } catch let error as DistillationError {
        throw args.invalid(argument(for: error), "\(error)")
      }
      return try run(distiller, &state, context)
    }
  }

  static var resume: Command {
    Command(
      name: "resume", family: .distill,
      summary: "Continues a distillation from its checkpoint file.",
      discussion: """
        Reads the options saved in the checkpoint and runs the remaining iterations (or up to
        iterations= if given), checkpointing to the same file. Give the same real data it was
        started with: the checkpoint stores a fingerprint of it (count, shape, classes and a
        CRC-32 of pixels and labels) and other data is an error; a checkpoint from before
        fingerprints loads with a note. iterations= at or below the checkpoint's count runs
        nothing (a note says so). mtt and edd read their experts (edd: its pool) from the
        saved directory unless experts= is given. Under mpirun, rank 0's checkpoint is sent to
        every rank, and any number of ranks may resume a checkpoint.
        """,
      parameters: [
        .positional("checkpoint", .path, doc: "the checkpoint written by distill"),
        .positional("data", .images, doc: "the real training images"),
        .keyword(
          "iterations", .int, bounds: .closed(0, 1_000_000), doc: "total iterations to reach"),
        .keyword(
          "experts", .oneOf([.object(of: ExpertsObject.self), .path]),
          doc: "mtt expert trajectories"),
        stopParameter,
      ],
      example: "syn = resume \"dm.npz\" fm.train iterations=400",
      exampleNeedsFiles: true
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      let path = try args.string("checkpoint")
      try ClusterFiles.shareRootCopy(of: path)
      var options: DistillationOptions
      do { options = try DistillationState.options(savedIn: path) } catch {
        throw args.invalid("checkpoint", "\(error)")
      }
      if args.isGiven("iterations") { options.iterations = try args.int("iterations") }
      options.checkpointPath = path
      if options.checkpointEvery == 0 { options.checkpointEvery = 10 }
      var experts: ExpertBuffer? = nil
      if options.method == .mtt || options.method == .edd {
        if args.isGiven("experts"), let given = try loadExperts(args, method: options.method) {
          experts = given.buffer
          options.expertDirectory = given.directory
        } else if let directory = options.expertDirectory {
          do { experts = try ExpertBuffer.load(directory: directory) } catch {
            throw args.invalid("experts", "\(error)")
          }
        }
      }
      let distiller = try makeDistiller(options, data, experts, args)
      var state: DistillationState
      do { state = try DistillationState.load(path: path, options: options) } catch {
        throw args.invalid("checkpoint", "\(error)")
      }
      state.set.settings = options.settings
      try checkResume(state, data: data, options: options, context)
      return try run(distiller, &state, context)
    }
  }

  /// `stop=`: what an interrupted run records in session.ddc to replay to the same state.
  static var stopParameter: Parameter {
    .keyword(
      "stop", .int, bounds: .closed(0, 1_000_000), unit: "iterations",
      doc: "stop after this many iterations, as Ctrl-C there would (iterations= unchanged)")
  }

  static func makeDistiller(
    _ options: DistillationOptions, _ data: Dataset, _ experts: ExpertBuffer?, _ args: Arguments
  ) throws -> Distiller {
    do {
      return try Distiller(options: options, source: data, experts: experts)
    } catch let error as DistillationError {
      let name = argument(for: error)
      throw args.invalid(args.isGiven(name) || name == "experts" ? name : "method", "\(error)")
    }
  }

  /// Runs the iterations with a progress bar; on Ctrl-C the partial set stays bound.
  static func run(
    _ distiller: Distiller, _ state: inout DistillationState, _ context: CommandContext
  ) throws -> Value {
    let options = distiller.options
    let periodic = try periodicEvaluation(options, context)
    let first = state.set.iteration
    let stop = try stopIteration(context.arguments)
    var completed = first
    let bar = context.progress(
      "distill \(options.method.rawValue)", total: max(options.iterations - first, 0), unit: "it")
    do {
      try distiller.run(
        &state,
        progress: { p in
          completed = p.iteration + 1
          var status = String(format: "it %d/%d loss %.4f", p.iteration + 1, p.iterations, p.loss)
          if p.maskRatio > 0 { status += String(format: " r %.3f", p.maskRatio) }
          if let lr = p.stepSize { status += String(format: " lr %.4g", lr) }
          status += String(format: " %.2f it/s", p.iterationsPerSecond)
          bar.update(p.iteration + 1 - first, status: status)
        }, shouldStop: { Interrupt.isRequested || stop.map { completed >= $0 } == true },
        afterIteration: periodic.map { evaluate in { state in try evaluate(state, bar) } })
      bar.finish()
    } catch DistillationError.interrupted where !Interrupt.isRequested {
      // stop= reached: end as an interrupt there would, checkpoint included.
      bar.finish()
      if let path = options.checkpointPath { try state.save(to: path) }
    } catch let error as TrainingError {
      bar.finish()
      context.keepPartialResult(.object(try DatasetObject(synthetic: state.set)))
      context.recordReplay(option: "stop", value: "\(state.set.iteration)")
      throw shellError(
        error, command: "distill",
        note: " of a periodic evaluation; the set keeps \(state.set.iteration) iterations")
    } catch let error as DistillationError {
      bar.finish()
      switch error {
      case .interrupted(let iteration):
        context.keepPartialResult(.object(try DatasetObject(synthetic: state.set)))
        context.recordReplay(option: "stop", value: "\(state.set.iteration)")
        if let path = options.checkpointPath { try state.save(to: path) }
        Interrupt.clear()
        throw ShellError.interrupted(
          at: "iteration \(iteration + 1); the set keeps \(state.set.iteration) iterations")
      default:
        throw ShellError.commandFailed(command: "distill", message: "\(error)")
      }
    }
    // The loss is on the progress line; the result line stays free of rounding-dependent digits.
    context.output.line(
      "distilled \(state.set.labels.count) images (\(options.method.rawValue), "
        + "\(state.set.iteration) iterations)")
    return .object(try DatasetObject(synthetic: state.set))
  }
}

extension DistillCommands {
  /// Refuses other real data than the checkpoint's; notes what cannot be checked or will not
  /// run.
  static func checkResume(
    _ state: DistillationState, data: Dataset, options: DistillationOptions,
    _ context: CommandContext
  ) throws {
    let args = context.arguments
    if let saved = state.dataFingerprint {
      let given = data.fingerprint
      guard saved == given else {
        throw args.invalid(
          "data",
          "differs from the data the checkpoint was distilled from (\(saved)); given "
            + given)
      }
    } else {
      context.output.line(
        "note: the checkpoint has no data fingerprint (written by an older ddcal), so the "
          + "real data cannot be checked")
    }
    if options.iterations <= state.set.iteration {
      context.output.line(
        "note: iterations=\(options.iterations) is not above the checkpoint's "
          + "\(state.set.iteration) iterations: nothing to run; the set is returned as saved")
    }
  }

  /// The `stop=` argument, nil when not given.
  static func stopIteration(_ args: Arguments) throws -> Int? {
    guard args.isGiven("stop") else { return nil }
    let stop = try args.int("stop")
    guard stop >= 0 else { throw args.invalid("stop", "must be ≥ 0") }
    return stop
  }
}

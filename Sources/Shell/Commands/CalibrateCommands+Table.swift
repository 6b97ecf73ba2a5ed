import Calibration
import Datasets
import Distillation
import Experiments
import Foundation
import Training

extension CalibrationMethod: ShellChoice {}

extension CalibrateCommands {
  static var calibrationTable: Command {
    Command(
      name: "calibration_table", family: .calibrate,
      summary:
        "The paper's calibration comparison: raw, TS, mixup, LS, focal, MTS per set (Table 1).",
      discussion: """
        For every set, `models` networks are trained under the evaluation protocol (as
        evaluate_set: SGD momentum 0.9, wd 5e-4, batch 256, lr ×0.1 at half time, DSA unless the
        set is DC's; network i starts from the same initialisation for every method) once per
        training method the list needs, then scored on the test set:
          raw       cross-entropy, no calibration
          ts        the raw network, T fitted on a per-class fraction v of its own training set
          mixup     trained with mixup (α = mixup, 1 in the reference)
          ls        trained with label smoothing (ε = smoothing)
          focal     trained with focal loss (γ = gamma)
          mts       the raw network, MTS with the fixed ratio r on the same fraction v (§4.1)
          mts_val   MTS with r chosen among ratios= by ECE on held-out real images (val=)
          ts_split  trained on the set minus v per class, TS on that held-out part (Table 6)
        r= and v= take lists: one row per value, for Fig. 8 (ECE vs r) and Fig. 9 (ECE vs v);
        sets of several IPCs give Fig. 10 (`plot lines t x=ipc`). T is fitted as the paper's
        code does (fit=parity: L-BFGS from T = 1.5, lr fit_lr, 50 iterations); fit=converged
        minimises the NLL. Each row: ECE and accuracy mean ± std over networks, the signed gap
        (positive = over-confident), mean T, and how many networks the method flipped from
        over- to under-confident; below, the paper's "# over-calibration": sets whose mean
        signed gap flips. `plot reliability t` draws one diagram per row (Fig. 1, first
        network), `plot lines t` the sweeps; `save t "t.csv"` or "t.npz" (loads back).
        """,
      parameters: [
        .positional(
          "sets",
          .oneOf([.object(of: DatasetObject.self), .list(.object(of: DatasetObject.self))]),
          doc: "training sets (distilled or real)"),
        .positional("test", .images, doc: "real test images"),
        .keyword(
          "methods", .list(.choice(of: CalibrationMethod.self)),
          default: .list(CalibrationMethod.paper.map { .choice($0) }), doc: "rows, in order"),
        .keyword("names", .list(.string), doc: "one label per set"),
        .keyword(
          "models", .int, default: .int(5), bounds: .networks,
          doc: "networks per set and training method"),
        .keyword(
          "epochs", .int, default: .int(300), bounds: .epochs, unit: "epochs",
          doc: "training epochs per network"),
        .keyword(
          "lr", .float, bounds: .learningRate,
          doc: "training learning rate (default: the set's, else 0.01)"),
        .keyword("aug", .string, doc: "DSA strategy or \"none\" (default as evaluate_set)"),
        .keyword(
          "width", .int, bounds: .netWidth,
          doc: "ConvNet width (default: the set's distillation width, else 128)"),
        .keyword("depth", .int, default: .int(3), bounds: .depth, doc: "ConvNet depth"),
        .keyword(
          "r", .oneOf([.float, .list(.float)]), default: .float(0.1), bounds: .fraction,
          doc: "MTS mask ratio(s) (paper: 0.1)"),
        .keyword(
          "v", .oneOf([.float, .list(.float)]), default: .float(0.1),
          bounds: .above(0, through: 1),
          doc: "per-class fraction(s) TS/MTS fit on (paper: 0.1)"),
        .keyword(
          "val", .object(of: DatasetObject.self), doc: "held-out real images (mts_val picks r)"),
        .keyword(
          "ratios", .list(.float), default: .list((1...9).map { .float(Double($0) / 10) }),
          bounds: .fraction,
          doc: "ratios mts_val chooses from"),
        .keyword(
          "fit", .choice(of: TemperatureFitMethod.self),
          default: .choice(TemperatureFitMethod.parity), doc: "temperature optimiser"),
        .keyword(
          "fit_lr", .float, default: .float(0.01), bounds: .above(0, through: 10),
          doc: "L-BFGS learning rate (parity)"),
        .keyword(
          "smoothing", .float, default: .float(0.1), bounds: .fraction, doc: "label smoothing ε"),
        .keyword("gamma", .float, default: .float(3), bounds: .closed(0, 100), doc: "focal loss γ"),
        .keyword(
          "mixup", .float, default: .float(1), bounds: .above(0, through: 1000), doc: "mixup α"),
        .keyword("bins", .int, default: .int(15), bounds: .closed(1, 10_000), doc: "ECE bins"),
        .keyword(
          "rule", .choice(of: EdgeRuleChoice.self), default: .choice(EdgeRuleChoice.right),
          doc: "bin edge rule"),
        .keyword("seed", .int, bounds: .seed, doc: "initialisation, subset and mask seed"),
      ],
      example:
        "t = calibration_table [syn] fm models=5 epochs=300 methods=[raw, ts, mixup, ls, focal, mts]"
    ) { context in
      try runCalibrationTable(context)
    }
  }

  static func runCalibrationTable(_ context: CommandContext) throws -> Value {
    let args = context.arguments
    let objects: [DatasetObject]
    if let one = args["sets"]?.object(as: DatasetObject.self) {
      objects = [one]
    } else {
      objects = try args.list("sets").compactMap { $0.object(as: DatasetObject.self) }
    }
    guard !objects.isEmpty else { throw args.invalid("sets", "give at least one set") }
    let test = try args.dataset("test", split: .test)
    let names = try setNames(objects.map(\.dataset), args)
    var rng = try context.randomStream()
    let seed = UInt64(rng.int(in: 0..<Int(Int32.max)))
    let setups = try zip(objects, names).map { object, name in
      CalibrationSetup(
        name: name, train: object.dataset,
        evaluation: try DistillCommands.evaluationProtocol(object, test: test, args, seed: seed))
    }
    let options = try tableOptions(args, seed: seed)
    let runs = setups.count * CalibrationTable.runCount(options)
    let models = setups[0].evaluation.models
    let epochs = setups[0].evaluation.epochs
    let bar = context.progress("calibration_table", total: runs * models * epochs, unit: "epoch")
    let table: CalibrationTable
    do {
      table = try CalibrationTable.run(
        setups, test: test, heldOut: try args.optionalDataset("val"), options: options,
        progress: { p in
          let t = p.training
          bar.update(
            (p.run * t.models + t.model) * t.training.epochs + t.training.epoch + 1,
            status: String(
              format: "%@ net %d/%d epoch %d/%d", p.label, t.model + 1, t.models,
              t.training.epoch + 1, t.training.epochs))
        }, shouldStop: { Interrupt.isRequested })
      bar.finish()
    } catch let error as TrainingError {
      bar.finish()
      throw DistillCommands.shellError(error, command: "calibration_table")
    } catch let error as ExperimentError {
      bar.finish()
      throw args.invalid(error.parameter, error.reason)
    } catch let error as CalibrationError {
      bar.finish()
      throw ShellError.commandFailed(command: "calibration_table", message: "\(error)")
    }
    let e = setups[0].evaluation
    let settings = String(
      format: "%d networks × %d epochs, width %d, aug %@, T fitted by %@",
      e.models, e.epochs, e.network.netWidth, e.augmentation,
      options.fit.method == .parity
        ? "the reference L-BFGS loop (lr \(ValueFormatter.float(options.fit.lbfgs.learningRate)))"
        : "NLL minimisation")
    return .object(CalibrationTableObject(table, testName: test.name, settings: settings))
  }

  /// names=, else each set's own name (made unique by position).
  static func setNames(_ sets: [Dataset], _ args: Arguments) throws -> [String] {
    if args.isGiven("names") {
      let names = try args.list("names").compactMap { v -> String? in
        if case .string(let s) = v { return s }
        return nil
      }
      guard names.count == sets.count else {
        throw args.invalid("names", "give one name per set (\(sets.count))")
      }
      guard Set(names).count == names.count else {
        throw args.invalid("names", "give each set its own name")
      }
      return names
    }
    let plain = sets.map(\.name)
    return Set(plain).count == plain.count
      ? plain : plain.enumerated().map { "\($0.offset + 1): \($0.element)" }
  }

  static func tableOptions(_ args: Arguments, seed: UInt64) throws -> CalibrationTableOptions {
    var fit = TemperatureFitOptions(method: try args.choice("fit", as: TemperatureFitMethod.self))
    fit.lbfgs.learningRate = try args.float("fit_lr")
    let methods = try args.list("methods").map { value -> CalibrationMethod in
      guard case .string(let word) = value, let method = CalibrationMethod(rawValue: word) else {
        throw args.invalid("methods", "expected \(ValueType.choice(of: CalibrationMethod.self))")
      }
      return method
    }
    let smoothing = try args.float("smoothing")
    let gamma = try args.float("gamma")
    let mixup = try args.float("mixup")
    let bins = try args.int("bins")
    return CalibrationTableOptions(
      methods: methods, maskRatios: try args.floats("r"),
      validationFractions: try args.floats("v"), fit: fit, smoothing: Float(smoothing),
      gamma: Float(gamma), mixupAlpha: Float(mixup),
      binning: BinningOptions(
        binCount: bins, edgeRule: try args.choice("rule", as: EdgeRuleChoice.self).rule),
      sweepRatios: try args.floats("ratios"), seed: seed)
  }
}

import Calibration
import Datasets
import Distillation
import TensorCore

/// Why an experiment refused its inputs; `parameter` names the setting at fault.
public struct ExperimentError: Error, CustomStringConvertible, Equatable {
  public var parameter: String
  public var reason: String

  public init(_ parameter: String, _ reason: String) {
    self.parameter = parameter
    self.reason = reason
  }

  public var description: String { "\(parameter): \(reason)" }
}

extension CalibrationTable {
  /// The rows of one set from its trained networks.
  static func score(
    _ setup: CalibrationSetup, _ trained: [Run: [SyntheticEvaluation.Trial]], test: Dataset,
    heldOut: Dataset?, _ options: CalibrationTableOptions
  ) throws -> [CalibrationRow] {
    let plain = trained[Run(variant: .plain)] ?? []
    let plainLogits = try plain.map { try LogitSet(logits: $0.test.logits, labels: $0.test.labels) }
    let raw = try plainLogits.map { try cell($0, temperature: 1, ratio: nil, options.binning) }
    var rows: [CalibrationRow] = []
    func append(_ method: CalibrationMethod, r: Double?, v: Double?, _ scored: [Scored]) {
      let cells = scored.map(\.cell)
      rows.append(
        CalibrationRow(
          set: setup.name, ipc: setup.ipc, method: method, maskRatio: r, validationFraction: v,
          cells: cells,
          firstPredictions: (scored.first { !$0.cell.diverged } ?? scored[0]).logits,
          overCalibrated: method == .raw ? 0 : overCalibrated(raw: raw.map(\.cell), cells)))
    }
    for method in options.methods {
      switch method {
      case .raw: append(.raw, r: nil, v: nil, raw)
      case .mixup, .ls, .focal:
        let trials = trained[Run(variant: method.training)] ?? []
        append(
          method, r: nil, v: nil,
          try trials.map {
            try cell(
              try LogitSet(logits: $0.test.logits, labels: $0.test.labels), temperature: 1,
              ratio: nil, options.binning)
          })
      case .ts, .mts:
        for r in method == .mts ? options.maskRatios : [0] {
          for v in options.validationFractions {
            let scored = try zip(plain, plainLogits).enumerated().map { i, pair in
              try fitted(pair.1, ratio: method == .mts ? r : nil, options.binning) {
                try MaskedTemperatureScaling.fit(
                  pair.0.model, on: setup.train, options: mts(r, v, i, options)
                ).temperature
              }
            }
            append(method, r: method == .mts ? r : nil, v: v, scored)
          }
        }
      case .mtsVal:
        for v in options.validationFractions {
          append(
            .mtsVal, r: nil, v: v, try chooseRatio(setup, plain, plainLogits, v, heldOut, options))
        }
      case .tsSplit:
        for v in options.validationFractions {
          append(.tsSplit, r: nil, v: v, try split(setup, trained, v, options))
        }
      }
    }
    return rows
  }

  /// A cell and the logits at its temperature.
  struct Scored {
    var cell: CalibrationCell
    var logits: LogitSet
  }

  static func cell(
    _ logits: LogitSet, temperature: Double, ratio: Double?, _ binning: BinningOptions
  ) throws -> Scored {
    let scaled = try logits.rescaled(to: temperature)
    let p = scaled.predictions()
    return Scored(
      cell: CalibrationCell(
        accuracy: p.accuracy, ece: p.ece(binning), signedECE: p.signedECE(binning), nll: p.nll,
        temperature: temperature, maskRatio: ratio),
      logits: scaled)
  }

  /// The cell at the temperature `fit` returns; when the parity L-BFGS loop drives T to zero
  /// or below (high mask ratios can make the masked subset's NLL fall with negative T), a
  /// diverged cell instead: the network's accuracy, NaN scores, and its logits at T = 1.
  static func fitted(
    _ logits: LogitSet, ratio: Double?, _ binning: BinningOptions, _ fit: () throws -> Double
  ) throws -> Scored {
    do {
      return try cell(logits, temperature: try fit(), ratio: ratio, binning)
    } catch CalibrationError.temperatureNotPositive {
      let raw = try cell(logits, temperature: 1, ratio: ratio, binning)
      return Scored(cell: .diverged(accuracy: raw.cell.accuracy, maskRatio: ratio), logits: logits)
    }
  }

  /// MTS settings of network i: its own subset and mask stream, the table's fit.
  static func mts(_ r: Double, _ v: Double, _ i: Int, _ options: CalibrationTableOptions)
    -> MaskedTemperatureScalingOptions
  {
    var mts = MaskedTemperatureScalingOptions(
      maskRatio: r, validationFraction: v, seed: options.seed &+ UInt64(i),
      binning: options.binning)
    mts.fit = options.fit
    return mts
  }

  /// MTS with r picked per network by ECE on the held-out real images.
  static func chooseRatio(
    _ setup: CalibrationSetup, _ plain: [SyntheticEvaluation.Trial], _ logits: [LogitSet],
    _ v: Double, _ heldOut: Dataset?, _ options: CalibrationTableOptions
  ) throws -> [Scored] {
    guard let heldOut else { throw ExperimentError("val", "mts_val needs held-out images") }
    let selection = RatioSelectionSet.validation(images: heldOut.images, labels: heldOut.labels)
    return try zip(plain, logits).enumerated().map { i, pair in
      let sweep = try RatioSweep.run(
        pair.0.model, on: setup.train, selectingOn: selection,
        options: RatioSweepOptions(
          ratios: options.sweepRatios, mts: mts(0, v, i, options),
          selectionBinning: options.binning))
      return try cell(
        pair.1, temperature: sweep.selected.temperature, ratio: sweep.selectedRatio,
        options.binning)
    }
  }

  /// TS fitted on the held-out split of networks trained without it.
  static func split(
    _ setup: CalibrationSetup, _ trained: [Run: [SyntheticEvaluation.Trial]], _ v: Double,
    _ options: CalibrationTableOptions
  ) throws -> [Scored] {
    let held = splitIndices(setup.train, fraction: v, seed: options.seed)
    let images = setup.train.images.gatherRows(held)
    let labels = held.map { setup.train.labels[$0] }
    return try (trained[Run(variant: .heldOutSplit, fraction: v)] ?? []).map { trial in
      try fitted(
        try LogitSet(logits: trial.test.logits, labels: trial.test.labels), ratio: nil,
        options.binning
      ) {
        try TemperatureScaling.fit(
          trial.model, images: images, labels: labels, options: options.fit
        ).temperature
      }
    }
  }

  /// Settings and sets that cannot make a table, named by the parameter at fault.
  static func validate(
    _ setups: [CalibrationSetup], test: Dataset, heldOut: Dataset?,
    options: CalibrationTableOptions
  ) throws {
    guard !setups.isEmpty else { throw ExperimentError("sets", "give at least one set") }
    guard Set(setups.map(\.name)).count == setups.count else {
      throw ExperimentError("names", "every set needs its own name")
    }
    guard !options.methods.isEmpty, Set(options.methods).count == options.methods.count else {
      throw ExperimentError("methods", "give each method once, at least one")
    }
    for r in options.maskRatios + options.sweepRatios where !(r >= 0 && r < 1) {
      throw ExperimentError("r", "mask ratios must lie in [0, 1), got \(r)")
    }
    for v in options.validationFractions where !(v > 0 && v <= 1) {
      throw ExperimentError("v", "fractions must lie in (0, 1], got \(v)")
    }
    if options.methods.contains(.mts), options.maskRatios.isEmpty {
      throw ExperimentError("r", "give at least one mask ratio")
    }
    if options.methods.contains(.mtsVal), options.sweepRatios.isEmpty {
      throw ExperimentError("ratios", "give at least one ratio to choose from")
    }
    if options.methods.contains(where: \.usesFraction), options.validationFractions.isEmpty {
      throw ExperimentError("v", "give at least one fraction")
    }
    for setup in setups {
      guard setup.train.imageShape == test.imageShape,
        setup.train.classCount == test.classCount
      else {
        throw ExperimentError(
          "test",
          "\(setup.name) has images \(setup.train.imageShape) with "
            + "\(setup.train.classCount) classes, the test set \(test.imageShape) with "
            + "\(test.classCount)")
      }
      guard setup.evaluation.models >= 1 else {
        throw ExperimentError("models", "must be at least 1")
      }
      if options.methods.contains(.tsSplit) {
        for v in options.validationFractions {
          let held = splitIndices(setup.train, fraction: v, seed: options.seed).count
          guard setup.train.count - held >= setup.train.classCount,
            (0..<setup.train.classCount).allSatisfy({ setup.train.indices(ofClass: $0).count >= 2 })
          else {
            throw ExperimentError(
              "methods",
              "ts_split holds out v = \(v) per class of \(setup.name), which leaves a class "
                + "without training images (IPC \(setup.ipc)); leave ts_split out for such sets")
          }
        }
      }
    }
    if options.methods.contains(.mtsVal) {
      guard let heldOut else {
        throw ExperimentError(
          "val", "mts_val chooses r on held-out real images: give val=(fm.train.sample ...)")
      }
      guard heldOut.imageShape == test.imageShape, heldOut.classCount == test.classCount else {
        throw ExperimentError("val", "held-out images do not match the test set's shape")
      }
    }
  }
}

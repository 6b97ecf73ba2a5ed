import Calibration
import Datasets
import Distillation
import NN
import TensorCore
import Training

/// One training set of a calibration table and the protocol its networks are trained with.
public struct CalibrationSetup: Sendable {
  /// The name rows carry (e.g. "DM", "MTT + MDT").
  public var name: String
  /// The (distilled or real) training set.
  public var train: Dataset
  /// Networks, epochs, lr, augmentation, architecture and seed; the loss and mixup are set per
  /// method.
  public var evaluation: SyntheticEvaluation

  public init(name: String, train: Dataset, evaluation: SyntheticEvaluation) {
    self.name = name
    self.train = train
    self.evaluation = evaluation
  }

  /// Images per class (rounded mean over classes).
  public var ipc: Int {
    Int((Double(train.count) / Double(max(train.classCount, 1))).rounded())
  }
}

extension CalibrationTable {
  /// Progress of one network's training inside a table.
  public struct Progress: Sendable {
    /// Training run (set × training variant × fraction) and how many there are.
    public var run: Int
    public var runs: Int
    /// "DM: mixup".
    public var label: String
    public var training: SyntheticEvaluation.Progress
  }

  /// Trains every set's networks once per training variant the methods need (raw networks are
  /// shared by raw, ts, mts and mts_val), fits the post-hoc temperatures, and scores all on
  /// `test` (paper §5: ECE on the real test set, networks from the same initialisations).
  /// - Parameters:
  ///   - heldOut: labelled real images, disjoint from the sets and the test set, that pick r
  ///     for `mts_val` (required only by it).
  /// - Throws: `TrainingError` (bad input, non-finite loss, interruption), `CalibrationError`
  ///   (fits, sets too small to split), `ExperimentError` for inconsistent inputs.
  public static func run(
    _ setups: [CalibrationSetup], test: Dataset, heldOut: Dataset? = nil,
    options: CalibrationTableOptions, progress: ((Progress) -> Void)? = nil,
    shouldStop: (() -> Bool)? = nil
  ) throws -> CalibrationTable {
    try validate(setups, test: test, heldOut: heldOut, options: options)
    let total = setups.count * runs(options).count
    var runIndex = 0
    var rows: [CalibrationRow] = []
    for setup in setups {
      var trained: [Run: [SyntheticEvaluation.Trial]] = [:]
      for run in runs(options) {
        let label = "\(setup.name): \(run.label)"
        let index = runIndex
        trained[run] = try train(
          setup, run, test: test, options,
          progress: progress.map { report in
            { report(Progress(run: index, runs: total, label: label, training: $0)) }
          }, shouldStop: shouldStop)
        runIndex += 1
      }
      rows += try score(setup, trained, test: test, heldOut: heldOut, options)
    }
    return CalibrationTable(rows: rows, binning: options.binning)
  }

  /// A training run of one set: a variant, and for the split the held-out fraction v.
  struct Run: Hashable {
    var variant: TrainingVariant
    var fraction: Double?
    var label: String {
      variant.rawValue + (fraction.map { " v=\($0)" } ?? "")
    }
  }

  /// How many training runs (each of `models` networks) one set needs under `options`.
  public static func runCount(_ options: CalibrationTableOptions) -> Int { runs(options).count }

  /// The distinct training runs the methods need, the plain networks always first (raw is the
  /// reference of the over-calibration count).
  static func runs(_ options: CalibrationTableOptions) -> [Run] {
    var out: [Run] = []
    for variant in [TrainingVariant.plain] + options.methods.map(\.training) {
      let fractions: [Double?] =
        variant == .heldOutSplit ? options.validationFractions.map { $0 } : [nil]
      for fraction in fractions where !out.contains(Run(variant: variant, fraction: fraction)) {
        out.append(Run(variant: variant, fraction: fraction))
      }
    }
    return out
  }

  /// Trains the networks of one variant (on the set, or on the set minus the split for v).
  static func train(
    _ setup: CalibrationSetup, _ run: Run, test: Dataset, _ options: CalibrationTableOptions,
    progress: ((SyntheticEvaluation.Progress) -> Void)?, shouldStop: (() -> Bool)?
  ) throws -> [SyntheticEvaluation.Trial] {
    var evaluation = setup.evaluation
    (evaluation.objective, evaluation.mixupAlpha) = options.training(run.variant)
    var data = setup.train
    if let fraction = run.fraction {
      let held = Set(splitIndices(setup.train, fraction: fraction, seed: options.seed))
      data = try setup.train.subset(setup.train.labels.indices.filter { !held.contains($0) })
    }
    return try evaluation.run(
      train: data, test: test, progress: progress, shouldStop: shouldStop)
  }

  /// The held-out rows of the v split: per class n_c − ⌊(1 − v)·n_c⌋, from the table's seed.
  static func splitIndices(_ data: Dataset, fraction: Double, seed: UInt64) -> [Int] {
    var rng = RandomStream(seed: seed, stream: 0x7370_6C69_74)  // "split"
    return MaskedTemperatureScaling.validationIndices(data, fraction: fraction, rng: &rng)
  }
}

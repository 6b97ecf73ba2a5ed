import Datasets
import NN
import TensorCore

/// The labelled images a ratio sweep scores each r on.
public enum RatioSelectionSet: Sendable {
  /// Held-out real images: a few per class from the source training set, disjoint from the
  /// synthetic set and from the test set (see `RatioSweep.heldOutValidation`). The honest choice.
  case validation(images: NDArray, labels: [Int])
  /// The test set, as the reference code does (docs/ALGORITHMS.md §10.2). The test metrics of the
  /// chosen r are then optimistically biased; the result carries `RatioSweep.testSetWarning`.
  case testSet(images: NDArray, labels: [Int])
}

/// Options of an MTS ratio sweep.
public struct RatioSweepOptions: Sendable, Equatable {
  /// Mask ratios to try, each in [0, 1) (0 = plain TS on the same subset).
  public var ratios: [Double]
  /// Everything else of each MTS fit (its `maskRatio` is ignored).
  public var mts: MaskedTemperatureScalingOptions
  /// Binning of the selection ECE.
  public var selectionBinning: BinningOptions

  /// The paper's grid r = 0.1, 0.2, …, 0.9 (§6) by default.
  public init(
    ratios: [Double] = (1...9).map { Double($0) / 10 },
    mts: MaskedTemperatureScalingOptions = MaskedTemperatureScalingOptions(),
    selectionBinning: BinningOptions = .guo
  ) {
    self.ratios = ratios
    self.mts = mts
    self.selectionBinning = selectionBinning
  }
}

/// One row of a ratio sweep: the fit at r and its scores on the selection set.
public struct RatioSweepRow: Sendable, Equatable {
  /// Mask ratio r.
  public var ratio: Double
  /// T fitted by MTS at r; NaN (as every score of the row) when the parity fit diverged.
  public var temperature: Double
  /// Accuracy on the masked validation subset.
  public var maskedAccuracy: Double
  /// ECE of softmax(z / T) on the selection set (clean inputs).
  public var ece: Double
  /// NLL on the selection set.
  public var nll: Double
  /// Accuracy on the selection set (the same for every r: T keeps the argmax).
  public var accuracy: Double
}

/// The outcome of a ratio sweep.
public struct RatioSweepResult: Sendable, Equatable {
  /// One row per ratio, in the order given.
  public var rows: [RatioSweepRow]
  /// The MTS fit at the chosen ratio (lowest selection ECE; the smaller r on ties).
  public var selected: MaskedTemperatureFit
  /// True when r was chosen on the test set.
  public var selectedOnTestSet: Bool
  /// Set when the choice leaks test information.
  public var warning: String?

  /// The chosen ratio r*.
  public var selectedRatio: Double { selected.maskRatio }

  /// Column names of `table`.
  public static let columns = ["r", "T", "masked_acc", "ece", "nll", "acc"]

  /// The rows as strings, for printing.
  public var table: [[String]] {
    rows.map { row in
      [
        format(row.ratio, 2), format(row.temperature, 4), format(row.maskedAccuracy, 4),
        format(row.ece, 4), format(row.nll, 4), format(row.accuracy, 4),
      ]
    }
  }
}

/// Chooses the MTS mask ratio (paper §6, Fig. 8; docs/ALGORITHMS.md §10.2): fit MTS at each r and
/// keep the r whose calibrated model has the lowest ECE on the selection set. All fits share the
/// seed, so they use the same validation subset and nested masks; the chosen row's fit is returned
/// as it is (the reference re-fits r* with a new mask draw; this does not).
public enum RatioSweep {
  /// Attached to results selected on the test set.
  public static let testSetWarning =
    "the mask ratio was chosen on the test set (as the reference code does, "
    + "docs/ALGORITHMS.md §10.2); "
    + "test metrics at this ratio are optimistically biased — select on held-out real "
    + "validation images instead"

  /// Runs the sweep.
  /// - Parameters:
  ///   - model: the trained network (unchanged).
  ///   - data: the set MTS draws its validation subset from (typically the distilled set).
  ///   - selection: where r is scored: held-out real validation images, or (flagged) the test set.
  ///   - options: ratios and the MTS settings.
  /// - Throws: `CalibrationError` for inputs that do not fit the model or bad options.
  public static func run(
    _ model: ConvNet, on data: Dataset, selectingOn selection: RatioSelectionSet,
    options: RatioSweepOptions = RatioSweepOptions()
  ) throws -> RatioSweepResult {
    guard !options.ratios.isEmpty else { throw CalibrationError.empty(what: "the ratio list") }
    for ratio in options.ratios { try Check.maskRatio(ratio) }
    try options.mts.validate()
    try options.selectionBinning.validate()
    try MaskedTemperatureScaling.check(model, data)
    let (images, labels, onTest) = selection.parts
    try ModelLogits.check(model, images: images, labels: labels)
    let selectionLogits = try ModelLogits.compute(
      model, images: images, batchSize: options.mts.batchSize)
    var subsetStream = MaskedTemperatureScaling.streams(options.mts.seed).subset
    let indices = MaskedTemperatureScaling.validationIndices(
      data, fraction: options.mts.validationFraction, rng: &subsetStream)
    var rows: [RatioSweepRow] = []
    var best: (fit: MaskedTemperatureFit, ece: Double)? = nil
    var divergence: CalibrationError? = nil
    for ratio in options.ratios {
      let fit: MaskedTemperatureFit
      do {
        fit = try MaskedTemperatureScaling.fitOnSubset(
          model, data, indices, ratio: ratio, options: options.mts)
      } catch let error as CalibrationError {
        // A ratio whose parity fit drove T to zero or below cannot be chosen; the others can.
        guard case .temperatureNotPositive = error else { throw error }
        divergence = error
        rows.append(
          RatioSweepRow(
            ratio: ratio, temperature: .nan, maskedAccuracy: .nan, ece: .nan, nll: .nan,
            accuracy: .nan))
        continue
      }
      let scored = try Predictions(
        logits: selectionLogits, labels: labels, temperature: fit.temperature)
      let ece = scored.ece(options.selectionBinning)
      rows.append(
        RatioSweepRow(
          ratio: ratio, temperature: fit.temperature, maskedAccuracy: fit.maskedAccuracy, ece: ece,
          nll: scored.nll, accuracy: scored.accuracy))
      if ece < (best?.ece ?? .infinity) { best = (fit, ece) }
    }
    guard let chosen = best else {
      throw divergence ?? CalibrationError.empty(what: "the ratio list")
    }
    return RatioSweepResult(
      rows: rows, selected: chosen.fit, selectedOnTestSet: onTest,
      warning: onTest ? testSetWarning : nil)
  }

  /// `perClass` random rows of every class of `source` (e.g. the real training set), avoiding
  /// `excluded` rows (e.g. the real images a synthetic set was initialised from), grouped by
  /// class. Never draw these from the test set.
  /// - Throws: `CalibrationError.notEnoughSamples` when a class has too few usable rows,
  ///   `.invalidOption` for perClass < 1.
  public static func heldOutIndices(
    from source: Dataset, perClass: Int, excluding excluded: [Int] = [], seed: UInt64
  ) throws -> [Int] {
    try Check.option(perClass >= 1, "per_class", perClass, "at least 1")
    let skip = Set(excluded)
    var rng = RandomStream(seed: seed, stream: 0x76_616C)
    var chosen: [Int] = []
    for label in 0..<source.classCount {
      let usable = source.indices(ofClass: label).filter { !skip.contains($0) }
      guard usable.count >= perClass else {
        throw CalibrationError.notEnoughSamples(
          classIndex: label, available: usable.count, requested: perClass)
      }
      chosen += rng.permutation(usable.count).prefix(perClass).map { usable[$0] }
    }
    return chosen
  }

  /// The rows of `heldOutIndices(from:perClass:excluding:seed:)` as a selection set.
  /// - Throws: as `heldOutIndices`.
  public static func heldOutValidation(
    from source: Dataset, perClass: Int, excluding excluded: [Int] = [], seed: UInt64
  ) throws -> RatioSelectionSet {
    let indices = try heldOutIndices(
      from: source, perClass: perClass, excluding: excluded, seed: seed)
    return .validation(
      images: source.images.gatherRows(indices), labels: indices.map { source.labels[$0] })
  }
}

extension RatioSelectionSet {
  /// Images, labels and whether this is the test set.
  var parts: (NDArray, [Int], Bool) {
    switch self {
    case .validation(let images, let labels): return (images, labels, false)
    case .testSet(let images, let labels): return (images, labels, true)
    }
  }
}

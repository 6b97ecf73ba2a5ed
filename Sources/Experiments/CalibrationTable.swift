import Calibration
import Datasets
import Distillation
import TensorCore

/// One network under one method: its test scores at the method's temperature.
public struct CalibrationCell: Sendable {
  /// Test accuracy (unchanged by T).
  public var accuracy: Double
  /// ECE, signed ECE (Σ_b n_b/N·(conf_b − acc_b): positive = over-confident) and NLL on the test
  /// set, with the table's binning.
  public var ece: Double
  public var signedECE: Double
  public var nll: Double
  /// The temperature (1 for methods without a post-hoc step).
  public var temperature: Double
  /// The mask ratio the method used (the chosen one for `mts_val`), nil when none.
  public var maskRatio: Double?

  public init(
    accuracy: Double, ece: Double, signedECE: Double, nll: Double, temperature: Double,
    maskRatio: Double?
  ) {
    self.accuracy = accuracy
    self.ece = ece
    self.signedECE = signedECE
    self.nll = nll
    self.temperature = temperature
    self.maskRatio = maskRatio
  }

  /// A network whose temperature fit diverged (T driven to zero or below): its accuracy, NaN
  /// for every score and for T.
  public static func diverged(accuracy: Double, maskRatio: Double?) -> CalibrationCell {
    CalibrationCell(
      accuracy: accuracy, ece: .nan, signedECE: .nan, nll: .nan, temperature: .nan,
      maskRatio: maskRatio)
  }

  /// Whether the temperature fit diverged (the scores are NaN).
  public var diverged: Bool { temperature.isNaN }
}

/// A row: one method (at one r and v) on one set, over all networks.
public struct CalibrationRow: Sendable {
  /// The training set's name and images per class.
  public var set: String
  public var ipc: Int
  public var method: CalibrationMethod
  /// The fixed r (`mts`) and fraction v (methods that use one).
  public var maskRatio: Double?
  public var validationFraction: Double?
  /// One cell per network, in network order (network i of every row starts from the same
  /// initialisation).
  public var cells: [CalibrationCell]
  /// The test logits, at the row's temperature, of the first network whose fit did not diverge
  /// (network 0 at T = 1 when all diverged): reliability diagrams, Fig. 1.
  public var firstPredictions: LogitSet
  /// Networks, among those over-confident under `raw` (signed ECE > 0), that this method
  /// turns under-confident (signed ECE < 0): the paper's over-calibration, counted per network.
  public var overCalibrated: Int

  public init(
    set: String, ipc: Int, method: CalibrationMethod, maskRatio: Double?,
    validationFraction: Double?, cells: [CalibrationCell], firstPredictions: LogitSet,
    overCalibrated: Int
  ) {
    self.set = set
    self.ipc = ipc
    self.method = method
    self.maskRatio = maskRatio
    self.validationFraction = validationFraction
    self.cells = cells
    self.firstPredictions = firstPredictions
    self.overCalibrated = overCalibrated
  }

  /// Mean and sample standard deviation of a cell column over the networks whose fit did not
  /// diverge (NaN when every fit diverged).
  public func statistics(_ column: (CalibrationCell) -> Double) -> (mean: Double, std: Double) {
    let kept = cells.filter { !$0.diverged }
    return kept.isEmpty ? (.nan, .nan) : SyntheticEvaluation.meanAndStd(kept.map(column))
  }

  /// Networks whose temperature fit diverged; they are left out of `statistics`.
  public var divergedCount: Int { cells.filter(\.diverged).count }

  /// "mts r=0.1 v=0.1", "ts v=0.1", "mixup".
  public var label: String {
    var parts = [method.rawValue]
    if let r = maskRatio { parts.append("r=\(r)") }
    if let v = validationFraction { parts.append("v=\(v)") }
    return parts.joined(separator: " ")
  }
}

/// The paper's calibration comparison (Table 1 and its relatives) on one or more training sets.
public struct CalibrationTable: Sendable {
  public var rows: [CalibrationRow]
  public var binning: BinningOptions

  public init(rows: [CalibrationRow], binning: BinningOptions) {
    self.rows = rows
    self.binning = binning
  }

  /// The set names in first-seen order.
  public var sets: [String] {
    var seen: [String] = []
    for row in rows where !seen.contains(row.set) { seen.append(row.set) }
    return seen
  }

  /// The row labels (method, r, v) in first-seen order.
  public var labels: [String] {
    var seen: [String] = []
    for row in rows where !seen.contains(row.label) { seen.append(row.label) }
    return seen
  }

  /// The paper's "# over-calibration" for rows labelled `label`: the sets on which the mean
  /// signed ECE is positive under `raw` and negative under the method.
  public func overCalibratedSets(_ label: String) -> Int {
    sets.filter { set in
      guard let raw = rows.first(where: { $0.set == set && $0.method == .raw }),
        let row = rows.first(where: { $0.set == set && $0.label == label })
      else { return false }
      return raw.statistics(\.signedECE).mean > 0 && row.statistics(\.signedECE).mean < 0
    }.count
  }

  /// Per network i: over-confident under raw, under-confident under the method.
  static func overCalibrated(raw: [CalibrationCell], _ cells: [CalibrationCell]) -> Int {
    zip(raw, cells).filter { $0.0.signedECE > 0 && $0.1.signedECE < 0 }.count
  }
}

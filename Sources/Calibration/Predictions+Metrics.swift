import Foundation

/// Calibration and accuracy metrics of softmax outputs (Guo et al., 2017; the paper's §5).
///
/// All sums run in Double. The non-throwing functions need `binning.binCount ≥ 1`; user input
/// goes through `report(_:)`, which validates the binning first. Tolerance: the values agree
/// with the numpy reference script (Scripts/reference/calibration_reference.py) to 1e-12 on its
/// fixtures (measured: 2e-15); bin assignment is exact at the edges b / B (see
/// `BinningOptions.binIndex`).
extension Predictions {
  /// Fraction of rows with ŷᵢ = yᵢ.
  public var accuracy: Double {
    Double(zip(predictedClasses, labels).filter { $0 == $1 }.count) / Double(count)
  }

  /// NLL = −(1/N) Σᵢ log pᵢ[yᵢ] (the objective temperature scaling minimises).
  public var nll: Double {
    var total = 0.0
    for (row, label) in labels.enumerated() { total -= logProbabilities[row * classCount + label] }
    return total / Double(count)
  }

  /// Brier score = (1/N) Σᵢ Σₖ (pᵢₖ − 1[yᵢ = k])² (Brier, 1950), in [0, 2].
  public var brier: Double {
    var total = 0.0
    for (row, label) in labels.enumerated() {
      for k in 0..<classCount {
        let p = exp(logProbabilities[row * classCount + k])
        let residual = p - (k == label ? 1 : 0)
        total += residual * residual
      }
    }
    return total / Double(count)
  }

  /// The top-label reliability diagram (confidence vs correctness per bin).
  public func reliability(_ binning: BinningOptions = .guo) -> ReliabilityDiagram {
    ReliabilityDiagram(self, binning: binning)
  }

  /// ECE = Σ_b (n_b / N)·|conf_b − acc_b| over equal-width bins (default 15, (lo, hi]).
  public func ece(_ binning: BinningOptions = .guo) -> Double { reliability(binning).ece }

  /// Signed ECE = Σ_b (n_b / N)·(conf_b − acc_b); positive means over-confident.
  public func signedECE(_ binning: BinningOptions = .guo) -> Double {
    reliability(binning).signedECE
  }

  /// MCE = max_b |conf_b − acc_b| over non-empty bins.
  public func mce(_ binning: BinningOptions = .guo) -> Double { reliability(binning).mce }

  /// Adaptive (equal-mass) ECE (Nguyen & O'Connor, 2015; Nixon et al., 2019).
  ///
  /// Rows are sorted by confidence (ties by row index) and cut into B consecutive runs the way
  /// `numpy.array_split(order, B)` cuts them: the first N mod B runs hold ⌊N/B⌋ + 1 rows, the
  /// others ⌊N/B⌋ (so a run starts at b·⌊N/B⌋ + min(b, N mod B)); then
  /// Σ_b (n_b / N)·|conf_b − acc_b| over the non-empty runs. Runs are empty only when N < B.
  /// Needs B ≥ 1.
  public func adaptiveECE(binCount: Int = 15) -> Double {
    precondition(binCount >= 1, "adaptiveECE: no bins")
    let n = count
    let order = (0..<n).sorted { (confidences[$0], $0) < (confidences[$1], $1) }
    let correct = correctness
    let (size, extra) = n.quotientAndRemainder(dividingBy: binCount)
    let start = { (b: Int) in b * size + min(b, extra) }
    var total = 0.0
    for b in 0..<binCount {
      let run = order[start(b)..<start(b + 1)]
      guard !run.isEmpty else { continue }
      let conf = run.reduce(0.0) { $0 + confidences[$1] } / Double(run.count)
      let acc = run.reduce(0.0) { $0 + correct[$1] } / Double(run.count)
      total += Double(run.count) / Double(n) * abs(conf - acc)
    }
    return total
  }

  /// Classwise ECE (Kull et al., 2019): (1/K) Σₖ Σ_b (n_kb / N)·|mean_b pₖ − mean_b 1[y = k]|,
  /// each class's probabilities pₖ binned on their own (default 15 bins, (lo, hi]).
  public func classwiseECE(_ binning: BinningOptions = .guo) -> Double {
    var total = 0.0
    for k in 0..<classCount {
      let scores = (0..<count).map { exp(logProbabilities[$0 * classCount + k]) }
      let outcomes = labels.map { $0 == k ? 1.0 : 0.0 }
      total += ReliabilityDiagram(scores: scores, outcomes: outcomes, binning: binning).ece
    }
    return total / Double(classCount)
  }

  /// Every metric at once. ECE, signed ECE, MCE and classwise ECE use `binning`; adaptive ECE
  /// uses the same number of (equal-mass) bins.
  /// - Throws: `CalibrationError.invalidOption` for a bin count outside 1...10 000.
  public func report(_ binning: BinningOptions = .guo) throws -> CalibrationReport {
    try binning.validate()
    let diagram = reliability(binning)
    return CalibrationReport(
      sampleCount: count, classCount: classCount, temperature: temperature, accuracy: accuracy,
      nll: nll, brier: brier, ece: diagram.ece, signedECE: diagram.signedECE, mce: diagram.mce,
      adaptiveECE: adaptiveECE(binCount: binning.binCount), classwiseECE: classwiseECE(binning),
      reliability: diagram)
  }
}

/// Every calibration metric of one set of predictions, as a value a shell can print.
///
/// See `Predictions+Metrics` for the formulas. Probabilities are softmax(z / T) with the
/// recorded `temperature`.
public struct CalibrationReport: Sendable, Equatable {
  /// Number of samples N.
  public var sampleCount: Int
  /// Number of classes K.
  public var classCount: Int
  /// The temperature the logits were divided by (1 = uncalibrated).
  public var temperature: Double
  /// Top-1 accuracy.
  public var accuracy: Double
  /// Mean negative log-likelihood.
  public var nll: Double
  /// Brier score (1/N) Σᵢ Σₖ (pᵢₖ − 1[yᵢ = k])².
  public var brier: Double
  /// Expected calibration error Σ_b (n_b / N)·|conf_b − acc_b|.
  public var ece: Double
  /// Σ_b (n_b / N)·(conf_b − acc_b): positive = over-confident.
  public var signedECE: Double
  /// Maximum calibration error over non-empty bins.
  public var mce: Double
  /// Equal-mass ECE with the same number of bins.
  public var adaptiveECE: Double
  /// Mean over classes of the per-class ECE of pₖ against 1[y = k].
  public var classwiseECE: Double
  /// The per-bin data behind ECE, signed ECE and MCE.
  public var reliability: ReliabilityDiagram

  /// Memberwise.
  public init(
    sampleCount: Int, classCount: Int, temperature: Double, accuracy: Double, nll: Double,
    brier: Double, ece: Double, signedECE: Double, mce: Double, adaptiveECE: Double,
    classwiseECE: Double, reliability: ReliabilityDiagram
  ) {
    self.sampleCount = sampleCount
    self.classCount = classCount
    self.temperature = temperature
    self.accuracy = accuracy
    self.nll = nll
    self.brier = brier
    self.ece = ece
    self.signedECE = signedECE
    self.mce = mce
    self.adaptiveECE = adaptiveECE
    self.classwiseECE = classwiseECE
    self.reliability = reliability
  }

  /// Metric names and values in a fixed order, for a two-column table.
  public var summary: [(metric: String, value: Double)] {
    [
      ("samples", Double(sampleCount)), ("classes", Double(classCount)),
      ("temperature", temperature), ("accuracy", accuracy), ("nll", nll), ("brier", brier),
      ("ece", ece), ("signed_ece", signedECE), ("mce", mce), ("adaptive_ece", adaptiveECE),
      ("classwise_ece", classwiseECE),
    ]
  }

  /// "over-confident", "under-confident" or "calibrated" (|signed ECE| < 0.005), from the
  /// sign of the signed ECE.
  public var direction: String {
    if abs(signedECE) < 0.005 { return "calibrated" }
    return signedECE > 0 ? "over-confident" : "under-confident"
  }

  /// The binning behind `ece`, `signedECE` and `mce`.
  public var binning: BinningOptions { reliability.binning }
}

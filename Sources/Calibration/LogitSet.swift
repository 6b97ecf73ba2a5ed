import Foundation
import TensorCore

/// A classifier's raw logits on a labelled set, read at a temperature: the unit of post-hoc
/// calibration when the logits come from anywhere — a ddcal model, or float64 arrays exported
/// from another framework.
///
/// Logits stay in Double as given (nothing is rounded to Float32), so metrics on float64 input
/// agree with numpy to rounding. Re-reading at a new temperature changes only `temperature`;
/// softmax(z / T) is recomputed from the raw logits by `predictions()` in O(N·K).
public struct LogitSet: Sendable, Equatable {
  /// Raw logits z, row-major [N, K].
  public let logits: [Double]
  /// Number of classes K ≥ 2.
  public let classCount: Int
  /// One label in `0..<classCount` per row.
  public let labels: [Int]
  /// T > 0: probabilities are softmax(z / T).
  public let temperature: Double

  /// Validated logits [N, K] (N ≥ 1, K ≥ 2, all finite) with N labels in `0..<K`.
  /// - Throws: `CalibrationError` for a bad shape, label, temperature or non-finite logit.
  public init(logits: [Double], classCount: Int, labels: [Int], temperature: Double = 1) throws {
    guard classCount >= 2, logits.count % classCount == 0 else {
      throw CalibrationError.logitsShape([logits.count / max(classCount, 1), classCount])
    }
    try Predictions.validate(
      rows: logits.count / classCount, classCount: classCount, labels: labels)
    try Self.checkTemperature(temperature)
    if let bad = logits.firstIndex(where: { !$0.isFinite }) {
      throw CalibrationError.nonFiniteLogits(row: bad / classCount)
    }
    self.logits = logits
    self.classCount = classCount
    self.labels = labels
    self.temperature = temperature
  }

  /// Float32 logits [N, K] (widened exactly to Double).
  /// - Throws: as `init(logits:classCount:labels:temperature:)`.
  public init(logits: NDArray, labels: [Int], temperature: Double = 1) throws {
    guard logits.rank == 2 else { throw CalibrationError.logitsShape(logits.shape) }
    try self.init(
      logits: logits.data.map(Double.init), classCount: logits.shape[1], labels: labels,
      temperature: temperature)
  }

  /// Number of rows N.
  public var count: Int { labels.count }

  /// The same logits read at temperature T (the logits are shared, not copied).
  /// - Throws: `CalibrationError.invalidOption` unless T is finite and positive.
  public func rescaled(to temperature: Double) throws -> LogitSet {
    try Self.checkTemperature(temperature)
    return LogitSet(unchecked: self, temperature: temperature)
  }

  /// softmax(z / T) in Double, with every metric of `Predictions+Metrics`.
  public func predictions() -> Predictions {
    Predictions(
      validated: logits, classCount: classCount, labels: labels, temperature: temperature)
  }

  /// Fits T on these logits (temperature scaling, Guo et al. 2017); the current temperature is
  /// ignored, the fit starts from the raw logits.
  /// - Throws: `CalibrationError` for bad options, or a parity loop ending at T ≤ 0.
  public func fitTemperature(_ options: TemperatureFitOptions = TemperatureFitOptions()) throws
    -> TemperatureFit
  {
    try TemperatureScaling.fit(
      logits: logits, classCount: classCount, labels: labels, options: options)
  }

  /// mᵢ = maxₖ zᵢₖ of the raw logits (the paper's §3.1 statistic; independent of T).
  public var maxLogits: [Double] { maxValues(.logit) }

  /// The statistic of each row of the raw logits (T does not enter).
  public func maxValues(_ statistic: MaxStatistic) -> [Double] {
    (0..<count).map { row in
      statistic.of(logits[(row * classCount)..<((row + 1) * classCount)])
    }
  }

  /// The logits as a Float32 [N, K] array (rounded).
  public var logitArray: NDArray {
    NDArray(shape: [count, classCount], data: logits.map(Float.init))
  }

  private init(unchecked base: LogitSet, temperature: Double) {
    logits = base.logits
    classCount = base.classCount
    labels = base.labels
    self.temperature = temperature
  }

  private static func checkTemperature(_ t: Double) throws {
    try Check.option(t > 0 && t.isFinite, "temperature", t, "a finite T > 0")
  }
}

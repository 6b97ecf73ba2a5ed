import Foundation
import TensorCore

/// A classifier's softmax outputs on a labelled set, computed in Double precision.
///
/// From logits z [N, K] and a temperature T > 0 (Guo et al., 2017, eq. 1 of the paper):
/// a = z / T, sᵢ = Σⱼ exp(aᵢⱼ − maxⱼ aᵢⱼ), log pᵢₖ = aᵢₖ − maxⱼ aᵢⱼ − log sᵢ (max-shifted, so it
/// never overflows), confidence cᵢ = maxₖ pᵢₖ = 1 / sᵢ and prediction ŷᵢ = the first k attaining
/// it. The confidence is the reciprocal itself, not exp(−log sᵢ): that is numpy's softmax value
/// (exp(0) / sᵢ) bit for bit, so a confidence of exactly b / B falls into the same bin as it does
/// in numpy. The logits may come from any source: a model, a file, or a test. All metrics in
/// `Predictions+Metrics` read this value.
public struct Predictions: Sendable, Equatable {
  /// Number of classes K.
  public let classCount: Int
  /// One label in `0..<classCount` per row.
  public let labels: [Int]
  /// log pᵢₖ, row-major [N, K].
  public let logProbabilities: [Double]
  /// cᵢ = maxₖ pᵢₖ, [N].
  public let confidences: [Double]
  /// ŷᵢ = argmaxₖ pᵢₖ (the first index on ties), [N].
  public let predictedClasses: [Int]
  /// The temperature the logits were divided by.
  public let temperature: Double

  /// Softmax of `logits / temperature`.
  /// - Parameters:
  ///   - logits: [N, K] with N ≥ 1 and K ≥ 2, all finite.
  ///   - labels: N labels in `0..<K`.
  ///   - temperature: T > 0 (1 leaves the logits as they are).
  /// - Throws: `CalibrationError` for a bad shape, label, temperature or a non-finite logit.
  public init(logits: NDArray, labels: [Int], temperature: Double = 1) throws {
    guard logits.rank == 2 else { throw CalibrationError.logitsShape(logits.shape) }
    try self.init(
      logits: logits.data.map(Double.init), classCount: logits.shape[1], labels: labels,
      temperature: temperature)
  }

  /// Softmax of row-major Double logits [N, K] divided by `temperature`.
  /// - Throws: as `init(logits:labels:temperature:)`.
  public init(logits: [Double], classCount: Int, labels: [Int], temperature: Double = 1) throws {
    // LogitSet holds the one copy of the input checks.
    self = try LogitSet(
      logits: logits, classCount: classCount, labels: labels, temperature: temperature
    ).predictions()
  }

  /// Softmax of logits that already passed `LogitSet`'s checks.
  init(validated logits: [Double], classCount: Int, labels: [Int], temperature: Double) {
    let rows = labels.count
    var logp = [Double](repeating: 0, count: logits.count)
    var confidences = [Double](repeating: 0, count: rows)
    var predicted = [Int](repeating: 0, count: rows)
    for row in 0..<rows {
      let base = row * classCount
      let scaled = (0..<classCount).map { logits[base + $0] / temperature }
      let sum = Self.logSoftmax(scaled, into: &logp, at: base)
      predicted[row] = Self.firstArgmax(scaled)
      confidences[row] = 1 / sum
    }
    self.classCount = classCount
    self.labels = labels
    self.logProbabilities = logp
    self.confidences = confidences
    self.predictedClasses = predicted
    self.temperature = temperature
  }

  /// Number of rows N.
  public var count: Int { labels.count }

  /// pᵢₖ.
  public func probability(row: Int, label: Int) -> Double {
    exp(logProbabilities[row * classCount + label])
  }

  /// 1 where ŷᵢ = yᵢ, else 0, [N] (the "accuracy" outcome of top-label calibration).
  public var correctness: [Double] {
    zip(predictedClasses, labels).map { $0 == $1 ? 1 : 0 }
  }

  /// Checks the label list against N rows of K classes.
  static func validate(rows: Int, classCount: Int, labels: [Int]) throws {
    guard rows > 0 else { throw CalibrationError.empty(what: "the logit set") }
    guard labels.count == rows else {
      throw CalibrationError.labelCount(labels: labels.count, rows: rows)
    }
    if let index = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
      throw CalibrationError.labelOutOfRange(
        index: index, label: labels[index], classCount: classCount)
    }
  }

  /// Writes log softmax(a) into `out[base..<base + a.count]`; returns Σⱼ exp(aⱼ − max a).
  @discardableResult
  static func logSoftmax(_ a: [Double], into out: inout [Double], at base: Int) -> Double {
    let top = a.max() ?? 0
    var sum = 0.0
    for v in a { sum += exp(v - top) }
    let lse = log(sum)
    for (k, v) in a.enumerated() { out[base + k] = v - top - lse }
    return sum
  }

  /// The first index of the largest element.
  static func firstArgmax(_ a: [Double]) -> Int {
    var best = 0
    for k in a.indices where a[k] > a[best] { best = k }
    return best
  }
}

import NN
import TensorCore

/// Max-logit statistics of two models on the same images, or of one model on two image sets
/// (e.g. in-distribution vs noise), with histograms on shared edges so they can be overlaid
/// (paper Fig. 2 and 7).
public struct MaxLogitComparison: Sendable, Equatable {
  /// Label of the first distribution.
  public var firstName: String
  /// Label of the second distribution.
  public var secondName: String
  /// Statistics of the first distribution.
  public var first: MaxLogitStatistics
  /// Statistics of the second (same histogram edges as `first`).
  public var second: MaxLogitStatistics

  /// Compares two sets of max logits; automatic bins span both sets together.
  /// - Throws: `CalibrationError.empty` for an empty set, `.invalidOption` for bad bins.
  public init(
    first: [Double], named firstName: String, second: [Double], named secondName: String,
    binning: HistogramBinning = .standard
  ) throws {
    let edges = try binning.edges(for: first + second)
    self.firstName = firstName
    self.secondName = secondName
    self.first = try MaxLogitStatistics(values: first, edges: edges)
    self.second = try MaxLogitStatistics(values: second, edges: edges)
  }

  /// Two models (e.g. trained on full data and on distilled data) on the same images.
  /// - Throws: as `MaxLogitStatistics.maxLogits`.
  public static func models(
    _ a: ConvNet, named aName: String, _ b: ConvNet, named bName: String, images: NDArray,
    options: MaxLogitOptions = MaxLogitOptions()
  ) throws -> MaxLogitComparison {
    try MaxLogitComparison(
      first: MaxLogitStatistics.maxLogits(a, images: images, options: options), named: aName,
      second: MaxLogitStatistics.maxLogits(b, images: images, options: options), named: bName,
      binning: options.binning)
  }

  /// One model on two image sets (e.g. test images and `NoiseImages`).
  /// - Throws: as `MaxLogitStatistics.maxLogits`.
  public static func inputs(
    _ model: ConvNet, _ a: NDArray, named aName: String, _ b: NDArray, named bName: String,
    options: MaxLogitOptions = MaxLogitOptions()
  ) throws -> MaxLogitComparison {
    try MaxLogitComparison(
      first: MaxLogitStatistics.maxLogits(model, images: a, options: options), named: aName,
      second: MaxLogitStatistics.maxLogits(model, images: b, options: options), named: bName,
      binning: options.binning)
  }

  /// mean(first) − mean(second).
  public var meanDifference: Double { first.mean - second.mean }

  /// Σ_b min(p_b, q_b) of the two normalised histograms: 1 for identical, 0 for disjoint.
  public var histogramOverlap: Double {
    let n1 = Double(max(first.histogram.total, 1))
    let n2 = Double(max(second.histogram.total, 1))
    return zip(first.histogram.counts, second.histogram.counts).reduce(0) { sum, pair in
      sum + min(Double(pair.0) / n1, Double(pair.1) / n2)
    }
  }

  /// Column names of `table`: statistic, first name, second name.
  public var columns: [String] { ["statistic", firstName, secondName] }

  /// One row per summary statistic, values with 4 decimals.
  public var table: [[String]] {
    zip(first.summary, second.summary).map { a, b in
      [a.name, format(a.value, 4), format(b.value, 4)]
    }
  }
}

/// Seeded noise images, e.g. as out-of-distribution inputs for max-logit comparisons.
public enum NoiseImages {
  /// Images [N, C, H, W] with i.i.d. N(mean, std²) elements.
  /// - Throws: `CalibrationError.invalidOption` for a shape that is not four positive extents
  ///   (at most 2²⁸ elements) or std < 0.
  public static func gaussian(shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64)
    throws -> NDArray
  {
    try checkShape(shape)
    try Check.option(std >= 0 && std.isFinite && mean.isFinite, "std", std, "a finite std ≥ 0")
    var rng = RandomStream(seed: seed, stream: 0x6E_6F69)
    return NDArray(shape: shape, data: rng.normal(Shape.count(shape), mean: mean, std: std))
  }

  /// Images [N, C, H, W] with i.i.d. U[lower, upper) elements.
  /// - Throws: `CalibrationError.invalidOption` for a bad shape or lower > upper.
  public static func uniform(shape: [Int], lower: Float = 0, upper: Float = 1, seed: UInt64)
    throws -> NDArray
  {
    try checkShape(shape)
    try Check.option(
      lower <= upper && lower.isFinite && upper.isFinite, "range", "\(lower)...\(upper)",
      "finite lower ≤ upper")
    var rng = RandomStream(seed: seed, stream: 0x6E_6F69)
    return NDArray(shape: shape, data: rng.uniform(Shape.count(shape), low: lower, high: upper))
  }

  private static func checkShape(_ shape: [Int]) throws {
    let valid = shape.count == 4 && shape.allSatisfy { $0 > 0 && $0 <= 1 << 28 }
    let small = valid && shape.reduce(1.0) { $0 * Double($1) } <= Double(1 << 28)
    try Check.option(small, "shape", shape, "[N, C, H, W] with positive extents, ≤ 2^28 elements")
  }
}

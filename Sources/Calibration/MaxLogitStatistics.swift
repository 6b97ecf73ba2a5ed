import Foundation
import NN
import TensorCore

/// Options of a max-logit analysis.
public struct MaxLogitOptions: Sendable, Equatable {
  /// Zero-mask ratio r ∈ [0, 1) applied to the inputs first (0 = clean inputs), as
  /// max_logit.py does with r = 0.3 (docs/ALGORITHMS.md §12).
  public var maskRatio: Double
  /// Seed of the mask.
  public var seed: UInt64
  /// Histogram bins.
  public var binning: HistogramBinning
  /// Images per forward pass.
  public var batchSize: Int
  /// The per-image statistic: the max logit (§3.1), or the max softmax probability of the raw
  /// logits (the OOD score of Fig. 2b; Hendrycks & Gimpel 2017).
  public var statistic: MaxStatistic

  /// Clean inputs, the max logit and 30 automatic bins by default.
  public init(
    maskRatio: Double = 0, seed: UInt64 = 0, binning: HistogramBinning = .standard,
    batchSize: Int = 256, statistic: MaxStatistic = .logit
  ) {
    self.maskRatio = maskRatio
    self.seed = seed
    self.binning = binning
    self.batchSize = batchSize
    self.statistic = statistic
  }
}

/// What `MaxLogitStatistics.maxLogits` takes of each row of logits z.
public enum MaxStatistic: String, Sendable, CaseIterable {
  /// maxₖ zₖ.
  case logit
  /// maxₖ softmax(z)ₖ = 1 / Σₖ exp(zₖ − max z).
  case prob

  /// The statistic of one row.
  public func of<C: Collection>(_ row: C) -> Double where C.Element: BinaryFloatingPoint {
    let top = Double(row.max() ?? 0)
    switch self {
    case .logit: return top
    case .prob: return 1 / row.reduce(0) { $0 + exp(Double($1) - top) }
    }
  }
}

/// Distribution of the largest logit mᵢ = maxₖ zᵢₖ of a model over a set of images (paper §3.1,
/// Fig. 2 and 7): networks trained on distilled data give a concentrated distribution with a
/// larger mean, which leaves temperature scaling little to work with.
public struct MaxLogitStatistics: Sendable, Equatable {
  /// The quantile levels reported: 5 %, 25 %, 50 %, 75 %, 95 %.
  public static let quantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95]

  /// Number of images N.
  public var count: Int
  /// Mean of mᵢ.
  public var mean: Double
  /// Population standard deviation √((1/N) Σ (mᵢ − mean)²).
  public var std: Double
  /// Smallest mᵢ.
  public var minimum: Double
  /// Largest mᵢ.
  public var maximum: Double
  /// Quantiles at `quantileLevels`, linearly interpolated between order statistics
  /// (numpy's default: position (N − 1)·q).
  public var quantiles: [Double]
  /// Histogram of mᵢ.
  public var histogram: Histogram

  /// Statistics of given max logits.
  /// - Throws: `CalibrationError.empty` for no values, `.invalidOption` for bad bins.
  public init(values: [Double], binning: HistogramBinning = .standard) throws {
    try self.init(values: values, edges: binning.edges(for: values))
  }

  /// Statistics with a histogram on fixed `edges` (already validated).
  init(values: [Double], edges: [Double]) throws {
    guard !values.isEmpty else { throw CalibrationError.empty(what: "the max-logit set") }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    let sorted = values.sorted()
    count = values.count
    self.mean = mean
    std = variance.squareRoot()
    minimum = sorted[0]
    maximum = sorted[sorted.count - 1]
    quantiles = Self.quantileLevels.map { Self.quantile(sorted, $0) }
    histogram = Histogram(values: values, edges: edges)
  }

  /// The max logits mᵢ = maxₖ zᵢₖ of `model` on images [N, C, H, W] (or the max softmax
  /// probabilities, per `options.statistic`), optionally zero-masked.
  /// - Throws: `CalibrationError` for images that do not fit the model or a bad mask ratio.
  public static func maxLogits(
    _ model: ConvNet, images: NDArray, options: MaxLogitOptions = MaxLogitOptions()
  ) throws -> [Double] {
    try Check.maskRatio(options.maskRatio)
    try Check.option(options.batchSize >= 1, "batch", options.batchSize, "at least 1")
    try ModelLogits.check(model, images: images)
    var rng = RandomStream(seed: options.seed, stream: 0x6D6C_6F67)
    let input = MaskedTemperatureScaling.mask(images, ratio: options.maskRatio, rng: &rng)
    let logits = try ModelLogits.compute(model, images: input, batchSize: options.batchSize)
    let k = logits.shape[1]
    return (0..<logits.shape[0]).map { row in
      options.statistic.of(logits.data[(row * k)..<((row + 1) * k)])
    }
  }

  /// Max-logit statistics of `model` on `images`.
  /// - Throws: as `maxLogits(_:images:options:)`.
  public static func of(
    _ model: ConvNet, images: NDArray, options: MaxLogitOptions = MaxLogitOptions()
  ) throws -> MaxLogitStatistics {
    try MaxLogitStatistics(
      values: maxLogits(model, images: images, options: options), binning: options.binning)
  }

  /// Rows ("count", "mean", "std", "min", "q05" … "q95", "max") for a table.
  public var summary: [(name: String, value: Double)] {
    let named = zip(["q05", "q25", "q50", "q75", "q95"], quantiles).map { ($0, $1) }
    return [("count", Double(count)), ("mean", mean), ("std", std), ("min", minimum)] + named
      + [("max", maximum)]
  }

  /// Linear interpolation at position (N − 1)·q of sorted values.
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    let position = Double(sorted.count - 1) * q
    let below = Int(position.rounded(.down))
    let above = min(below + 1, sorted.count - 1)
    let fraction = position - Double(below)
    return sorted[below] + (sorted[above] - sorted[below]) * fraction
  }
}

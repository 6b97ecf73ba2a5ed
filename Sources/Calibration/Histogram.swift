/// How histogram bins are chosen.
public enum HistogramBinning: Sendable, Equatable {
  /// `binCount` equal-width bins spanning the data's [min, max] (±0.5 when all values agree).
  case automatic(binCount: Int)
  /// `binCount` equal-width bins on [lower, upper].
  case range(lower: Double, upper: Double, binCount: Int)
  /// Explicit increasing edges e₀ < e₁ < … < e_B.
  case edges([Double])

  /// 30 automatic bins.
  public static let standard = HistogramBinning.automatic(binCount: 30)

  /// The bin edges for `values` (which may be empty).
  /// - Throws: `CalibrationError.invalidOption` for a bin count outside 1...10 000, a range
  ///   with lower ≥ upper, or edges that are not finite and strictly increasing.
  public func edges(for values: [Double]) throws -> [Double] {
    switch self {
    case .automatic(let binCount):
      try Self.checkCount(binCount)
      var lower = values.min() ?? 0
      var upper = values.max() ?? 1
      if lower == upper {
        lower -= 0.5
        upper += 0.5
      }
      return Self.linear(lower, upper, binCount)
    case .range(let lower, let upper, let binCount):
      try Self.checkCount(binCount)
      try Check.option(
        lower < upper && lower.isFinite && upper.isFinite, "range", "\(lower)...\(upper)",
        "finite lower < upper")
      return Self.linear(lower, upper, binCount)
    case .edges(let edges):
      let increasing = zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }
      try Check.option(
        edges.count >= 2 && increasing && edges.allSatisfy(\.isFinite), "edges", edges,
        "at least two finite, strictly increasing edges")
      return edges
    }
  }

  private static func checkCount(_ count: Int) throws {
    try Check.option((1...10_000).contains(count), "bins", count, "1 to 10000 bins")
  }

  /// lower + (upper − lower)·i/B for i = 0…B, with the last edge exactly `upper`.
  private static func linear(_ lower: Double, _ upper: Double, _ count: Int) -> [Double] {
    (0...count).map { i in
      i == count ? upper : lower + (upper - lower) * Double(i) / Double(count)
    }
  }
}

/// Counts of values in bins [e_b, e_{b+1}), the last bin closed (numpy.histogram's rule);
/// values outside [e₀, e_B] are not counted.
public struct Histogram: Sendable, Equatable {
  /// B + 1 increasing edges.
  public var edges: [Double]
  /// B counts.
  public var counts: [Int]

  /// Bins `values` by `edges` (at least two, strictly increasing).
  public init(values: [Double], edges: [Double]) {
    precondition(edges.count >= 2, "histogram: needs at least two edges")
    self.edges = edges
    var counts = [Int](repeating: 0, count: edges.count - 1)
    let last = edges.count - 2
    for value in values {
      guard let first = edges.first, let end = edges.last, value >= first, value <= end else {
        continue
      }
      counts[Self.bin(of: value, in: edges, last: last)] += 1
    }
    self.counts = counts
  }

  /// Number of values counted.
  public var total: Int { counts.reduce(0, +) }

  /// Bin centres (e_b + e_{b+1}) / 2.
  public var centers: [Double] { zip(edges, edges.dropFirst()).map { ($0 + $1) / 2 } }

  /// Counts divided by total·width: a density that integrates to 1 (all zero when empty).
  public var density: [Double] {
    let n = Double(max(total, 1))
    return zip(counts, zip(edges, edges.dropFirst())).map { count, edge in
      Double(count) / (n * (edge.1 - edge.0))
    }
  }

  /// Binary search for the b with e_b ≤ value < e_{b+1} (value = e_B goes to the last bin).
  private static func bin(of value: Double, in edges: [Double], last: Int) -> Int {
    var lo = 0
    var hi = last
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if edges[mid] <= value { lo = mid } else { hi = mid - 1 }
    }
    return lo
  }
}

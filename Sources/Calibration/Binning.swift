/// Which side of an equal-width confidence bin is closed.
///
/// The bins are [b/B, (b+1)/B] for b = 0..<B with edges computed in Double as `b / B`. A score
/// exactly on an inner edge e = b/B falls into bin b − 1 under `.rightClosed` and into bin b
/// under `.leftClosed`; that is the only place the rules differ.
public enum BinEdgeRule: String, Sendable, CaseIterable {
  /// (lo, hi]: Guo et al. (2017) and gpleiss/temperature_scaling's `_ECELoss`. The first bin
  /// also takes a score of exactly 0 (gpleiss would drop it; only classwise scores reach 0).
  case rightClosed
  /// [lo, hi) with the top bin closed, [1 − 1/B, 1]: the reference fork's `calc_ece`
  /// (`floor(conf·100 // 10)` clipped to 9, docs/ALGORITHMS.md §11.2) and netcal's histogram
  /// binning.
  case leftClosed
}

/// Equal-width binning of scores in [0, 1] for ECE-style metrics.
public struct BinningOptions: Sendable, Equatable {
  /// Number of bins B ≥ 1.
  public var binCount: Int
  /// Which side of each bin is closed.
  public var edgeRule: BinEdgeRule

  /// B bins with the given edge rule; defaults to 15 right-closed bins (Guo et al., 2017).
  public init(binCount: Int = 15, edgeRule: BinEdgeRule = .rightClosed) {
    self.binCount = binCount
    self.edgeRule = edgeRule
  }

  /// 15 bins (lo, hi]: Guo et al. (2017), gpleiss's `_ECELoss` default.
  public static let guo = BinningOptions(binCount: 15, edgeRule: .rightClosed)

  /// 10 bins [lo, hi) with the top bin closed: the numbers the paper's code reports
  /// (docs/ALGORITHMS.md §11.2).
  public static let referenceCode = BinningOptions(binCount: 10, edgeRule: .leftClosed)

  /// Throws `CalibrationError.invalidOption` unless B is in 1...10 000.
  public func validate() throws {
    try Check.option((1...10_000).contains(binCount), "bins", binCount, "1 to 10000 bins")
  }

  /// Lower edge of bin `b`: b / B.
  public func lowerEdge(_ b: Int) -> Double { Double(b) / Double(binCount) }

  /// Upper edge of bin `b`: (b + 1) / B.
  public func upperEdge(_ b: Int) -> Double { Double(b + 1) / Double(binCount) }

  /// The bin of score `x` in [0, 1] (values outside are clamped to the end bins).
  ///
  /// `.rightClosed`: the b with b/B < x ≤ (b+1)/B; `.leftClosed`: the b with
  /// b/B ≤ x < (b+1)/B. A first guess floor(x·B) is corrected against the exact edges, so the
  /// rule holds even where x·B rounds across an integer.
  public func binIndex(_ x: Double) -> Int {
    let last = binCount - 1
    guard x > 0 else { return 0 }
    guard x < 1 else { return last }
    var b = min(max(Int((x * Double(binCount)).rounded(.down)), 0), last)
    switch edgeRule {
    case .rightClosed:
      while b > 0 && x <= lowerEdge(b) { b -= 1 }
      while b < last && x > upperEdge(b) { b += 1 }
    case .leftClosed:
      while b > 0 && x < lowerEdge(b) { b -= 1 }
      while b < last && x >= upperEdge(b) { b += 1 }
    }
    return b
  }
}

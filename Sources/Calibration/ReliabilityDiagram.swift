import Foundation

/// One equal-width confidence bin of a reliability diagram.
public struct ReliabilityBin: Sendable, Equatable {
  /// Lower edge b / B.
  public var lower: Double
  /// Upper edge (b + 1) / B.
  public var upper: Double
  /// Number of samples n_b in the bin.
  public var count: Int
  /// conf_b: mean confidence of the bin's samples (0 when empty).
  public var meanConfidence: Double
  /// acc_b: fraction of the bin's samples that are correct (0 when empty).
  public var accuracy: Double

  /// Creates a bin from its edges and statistics.
  public init(lower: Double, upper: Double, count: Int, meanConfidence: Double, accuracy: Double) {
    self.lower = lower
    self.upper = upper
    self.count = count
    self.meanConfidence = meanConfidence
    self.accuracy = accuracy
  }

  /// Signed gap conf_b − acc_b: positive where the model is over-confident, negative where it
  /// is under-confident, 0 for an empty bin.
  public var gap: Double { meanConfidence - accuracy }

  /// True when no sample fell into the bin.
  public var isEmpty: Bool { count == 0 }
}

/// Per-bin confidence and accuracy of top-label predictions: the data behind a reliability
/// diagram (Guo et al., 2017, Fig. 1) and behind ECE, signed ECE and MCE.
///
/// With N samples and bins b = 0..<B (see `BinningOptions` for the edge rules):
/// ECE = Σ_b (n_b / N)·|conf_b − acc_b|, signed ECE = Σ_b (n_b / N)·(conf_b − acc_b) and
/// MCE = max over non-empty bins of |conf_b − acc_b|. Empty bins contribute nothing.
public struct ReliabilityDiagram: Sendable, Equatable {
  /// B bins in increasing order of confidence.
  public let bins: [ReliabilityBin]
  /// The binning that produced them.
  public let binning: BinningOptions
  /// Total number of samples N.
  public let sampleCount: Int

  /// Bins of scores sᵢ ∈ [0, 1] against outcomes oᵢ ∈ {0, 1}: conf_b is the mean score and
  /// acc_b the mean outcome of the samples in bin b. `scores` and `outcomes` have equal length
  /// and `binning.binCount ≥ 1` (user input goes through `BinningOptions.validate()` first).
  public init(scores: [Double], outcomes: [Double], binning: BinningOptions) {
    precondition(scores.count == outcomes.count, "reliability: scores and outcomes differ")
    precondition(binning.binCount >= 1, "reliability: no bins")
    let b = binning.binCount
    var counts = [Int](repeating: 0, count: b)
    var scoreSums = [Double](repeating: 0, count: b)
    var outcomeSums = [Double](repeating: 0, count: b)
    for (score, outcome) in zip(scores, outcomes) {
      let bin = binning.binIndex(score)
      counts[bin] += 1
      scoreSums[bin] += score
      outcomeSums[bin] += outcome
    }
    bins = (0..<b).map { i in
      let n = Double(max(counts[i], 1))
      return ReliabilityBin(
        lower: binning.lowerEdge(i), upper: binning.upperEdge(i), count: counts[i],
        meanConfidence: scoreSums[i] / n, accuracy: outcomeSums[i] / n)
    }
    self.binning = binning
    self.sampleCount = scores.count
  }

  /// Top-label bins: confidence cᵢ = maxₖ pᵢₖ against correctness 1[ŷᵢ = yᵢ].
  public init(_ predictions: Predictions, binning: BinningOptions = .guo) {
    self.init(
      scores: predictions.confidences, outcomes: predictions.correctness, binning: binning)
  }

  /// ECE = Σ_b (n_b / N)·|conf_b − acc_b| (Naeini et al., 2015; Guo et al., 2017).
  public var ece: Double { weightedSum { abs($0.gap) } }

  /// Signed ECE = Σ_b (n_b / N)·(conf_b − acc_b): positive = over-confident on balance.
  public var signedECE: Double { weightedSum { $0.gap } }

  /// MCE = max_b |conf_b − acc_b| over non-empty bins (0 when all are empty).
  public var mce: Double {
    bins.filter { !$0.isEmpty }.map { abs($0.gap) }.max() ?? 0
  }

  /// Table rows for printing: lower, upper, count, confidence, accuracy, gap.
  public var rows: [[String]] {
    bins.map { bin in
      [
        format(bin.lower, 3), format(bin.upper, 3), "\(bin.count)", format(bin.meanConfidence, 4),
        format(bin.accuracy, 4), format(bin.gap, 4),
      ]
    }
  }

  /// Column names of `rows`.
  public static let columns = ["lower", "upper", "count", "confidence", "accuracy", "gap"]

  private func weightedSum(_ term: (ReliabilityBin) -> Double) -> Double {
    guard sampleCount > 0 else { return 0 }
    var total = 0.0
    for bin in bins where !bin.isEmpty {
      total += Double(bin.count) / Double(sampleCount) * term(bin)
    }
    return total
  }
}

/// `value` with `digits` decimals, for table cells.
func format(_ value: Double, _ digits: Int) -> String {
  String(format: "%.\(digits)f", value)
}

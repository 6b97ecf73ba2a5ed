/// Binning for histograms: equal-width edges and counts.
public enum HistogramBins {
  /// `count + 1` equally spaced edges from `lower` to `upper`.
  public static func edges(lower: Double, upper: Double, count: Int) -> [Double] {
    let n = max(count, 1)
    return (0...n).map { lower + (upper - lower) * Double($0) / Double(n) }
  }

  /// How many `values` fall in each bin [edges[i], edges[i+1]); the last bin also takes its
  /// upper edge. Values outside the edges and non-finite values are not counted.
  /// - Parameter edges: increasing, at least two.
  /// - Returns: `edges.count − 1` counts.
  public static func counts(_ values: [Double], edges: [Double]) -> [Double] {
    guard edges.count >= 2 else { return [] }
    var counts = [Double](repeating: 0, count: edges.count - 1)
    for v in values where v.isFinite && v >= edges[0] && v <= edges[edges.count - 1] {
      var low = 0
      var high = edges.count - 1  // invariant: edges[low] ≤ v, bin < high
      while high - low > 1 {
        let mid = (low + high) / 2
        if v >= edges[mid] { low = mid } else { high = mid }
      }
      counts[low] += 1
    }
    return counts
  }
}

/// What the height of a histogram bar means.
public enum HistogramScale: String, Sendable, Hashable {
  /// Number of values in the bin.
  case count
  /// Share of the sample in the bin (sums to 1).
  case fraction
  /// Fraction divided by bin width (integrates to 1), for comparing samples of any size.
  case density
}

/// A named sample of values, e.g. the max logits of one model on the test set.
public struct HistogramSample: Sendable, Equatable {
  /// The legend text.
  public var label: String
  /// The sample; non-finite values are ignored.
  public var values: [Double]
  /// Nil takes the next series colour (blue, vermillion, green, …).
  public var color: Color?

  /// A sample called `label`.
  public init(_ label: String, values: [Double], color: Color? = nil) {
    self.label = label
    self.values = values
    self.color = color
  }
}

/// One panel of overlaid histograms.
public struct HistogramPanel: Sendable, Equatable {
  /// The panel title.
  public var title: String?
  /// The overlaid samples, drawn in order.
  public var samples: [HistogramSample]

  /// A panel overlaying `samples`.
  public init(title: String? = nil, samples: [HistogramSample]) {
    self.title = title
    self.samples = samples
  }
}

extension Figure {
  /// Overlaid histograms on common bins (the paper's Fig. 2a and 7: max-logit distributions
  /// of networks trained on full vs distilled data), drawn as translucent fills with step
  /// outlines, with a legend in the emptiest corner.
  /// - Parameters:
  ///   - panels: one or more panels; all share the same bin edges so they compare directly.
  ///   - bins: the number of equal-width bins (≥ 1).
  ///   - range: the binned range; nil spans every finite value of every sample.
  ///   - scale: what bar heights mean (default density, which compares unequal samples).
  ///   - xLabel: the x-axis title, e.g. "Max logit".
  ///   - columns: panels per row (default: all in one row).
  ///   - title: an optional figure title.
  /// - Throws: `PlotError.invalidArgument` for no panels, bins < 1 or an empty range.
  public static func histogram(
    _ panels: [HistogramPanel], bins: Int = 30, range: ClosedRange<Double>? = nil,
    scale: HistogramScale = .density, xLabel: String? = nil, columns: Int? = nil,
    title: String? = nil
  ) throws(PlotError) -> Figure {
    try PlotError.check(!panels.isEmpty, "panels", "[]", expected: "at least one panel")
    try PlotError.check(bins >= 1, "bins", "\(bins)", expected: "≥ 1")
    let all = panels.flatMap { $0.samples.flatMap(\.values) }.filter(\.isFinite)
    let low = range?.lowerBound ?? all.min() ?? 0
    var high = range?.upperBound ?? all.max() ?? 1
    if high <= low { high = low + 1 }
    try PlotError.check(
      low.isFinite && high.isFinite, "range", "\(low)…\(high)", expected: "finite")
    let edges = HistogramBins.edges(lower: low, upper: high, count: bins)
    let axes = panels.map { panel in
      histogramAxes(panel, edges: edges, scale: scale, xLabel: xLabel)
    }
    let (rows, cols) = grid(count: panels.count, columns: columns)
    var figure = Figure(
      width: min(330 * Double(cols) + 40, 900),
      height: 300 * Double(rows) + (title == nil ? 0 : 20),
      rows: rows, columns: cols, panels: axes, title: title)
    figure.shareY = panels.count > 1
    return figure
  }

  static func histogramAxes(
    _ panel: HistogramPanel, edges: [Double], scale: HistogramScale, xLabel: String?
  ) -> Axes {
    var axes = Axes(title: panel.title, x: Axis(xLabel), y: Axis(scale.axisTitle))
    for (k, sample) in panel.samples.enumerated() {
      let counts = HistogramBins.counts(sample.values, edges: edges)
      let total = max(sample.values.filter(\.isFinite).count, 1)
      let heights = counts.indices.map { i -> Double in
        switch scale {
        case .count: return counts[i]
        case .fraction: return counts[i] / Double(total)
        case .density: return counts[i] / Double(total) / (edges[i + 1] - edges[i])
        }
      }
      axes.add(
        .histogram(
          HistogramSeries(
            edges: edges, values: heights, label: sample.label,
            color: sample.color ?? Palette.series(k))))
    }
    return axes
  }

  /// Rows and columns for `count` panels, `columns` per row (default all in one row).
  static func grid(count: Int, columns: Int?) -> (rows: Int, columns: Int) {
    let cols = min(max(columns ?? count, 1), max(count, 1))
    return ((count + cols - 1) / cols, cols)
  }
}

extension HistogramScale {
  var axisTitle: String {
    switch self {
    case .count: return "Count"
    case .fraction: return "Fraction"
    case .density: return "Density"
    }
  }
}

/// One confidence bin of a reliability diagram (Guo et al., 2017).
public struct ConfidenceBin: Sendable, Equatable {
  /// Lower edge of the bin's confidence interval. Which edge is closed is the binning's rule:
  /// (lower, upper] under the default right-closed rule (docs/ALGORITHMS.md §11.2), which
  /// `plot reliability` uses, and [lower, upper) under the left-closed one.
  public var lower: Double
  /// Upper edge of the interval.
  public var upper: Double
  /// Predictions whose confidence fell in the bin.
  public var count: Int
  /// Mean confidence (max softmax probability) of those predictions.
  public var meanConfidence: Double
  /// Fraction of those predictions that were right.
  public var accuracy: Double

  /// A bin; `meanConfidence` and `accuracy` are fractions in [0, 1].
  public init(lower: Double, upper: Double, count: Int, meanConfidence: Double, accuracy: Double) {
    self.lower = lower
    self.upper = upper
    self.count = count
    self.meanConfidence = meanConfidence
    self.accuracy = accuracy
  }
}

/// One method's reliability diagram: its bins, its ECE and a title such as "MTS".
public struct ReliabilityPanel: Sendable, Equatable {
  /// The method name shown above the panel.
  public var title: String
  /// The confidence bins, in increasing order.
  public var bins: [ConfidenceBin]
  /// Expected calibration error as a fraction, ECE = Σ_b (n_b / N) |acc_b − conf_b|; shown
  /// in percent.
  public var ece: Double

  /// A panel for the method called `title`.
  public init(title: String, bins: [ConfidenceBin], ece: Double) {
    self.title = title
    self.bins = bins
    self.ece = ece
  }
}

/// Colours of the reliability diagram.
enum ReliabilityStyle {
  static let accuracyFill = Color(hex: 0xA7ADB5)
  static let accuracyEdge = Color(hex: 0x4A4F57)
  static let over = Color(hex: 0xD62728)
  static let under = Color(hex: 0x1F5FAD)
  static let diagonal = Color(hex: 0x333333)
}

extension Figure {
  /// Reliability diagrams side by side (the paper's Fig. 1), each above a histogram of the
  /// fraction of samples per confidence bin.
  ///
  /// Per bin, a grey bar rises to the accuracy. Between accuracy and mean confidence the gap
  /// is shaded: red with `////` hatching where the model is over-confident (conf > acc), blue
  /// with `\\\\` hatching where it is under-confident. The dashed diagonal is perfect
  /// calibration, and "ECE = x.xx%" sits in the upper-left corner. In the histogram below,
  /// vertical lines mark the overall accuracy and the mean confidence.
  /// - Parameters:
  ///   - panels: one per method (e.g. raw, TS, MTS, LS, FL, mixup), left to right.
  ///   - title: an optional figure title.
  /// - Throws: `PlotError.invalidArgument` for an empty panel list, a bin with
  ///   `upper ≤ lower`, or a negative count.
  public static func reliabilityDiagram(
    _ panels: [ReliabilityPanel], title: String? = nil
  ) throws(PlotError) -> Figure {
    try PlotError.check(!panels.isEmpty, "panels", "[]", expected: "at least one panel")
    for panel in panels {
      for bin in panel.bins {
        try PlotError.check(
          bin.upper > bin.lower && bin.count >= 0, "\(panel.title) bin",
          "[\(bin.lower), \(bin.upper)) n=\(bin.count)", expected: "upper > lower, count ≥ 0")
      }
    }
    let n = panels.count
    // One or two panels are too narrow for the legend below; it goes to the right instead.
    let legendAtRight = n <= 2
    var figure = Figure(
      width: 40 + 150 * Double(n) + (legendAtRight ? 150 : 0), height: title == nil ? 330 : 350,
      rows: 2, columns: n,
      panels: panels.map(reliabilityAxes)
        + panels.map { confidenceHistogramAxes($0, top: sharedHistogramTop(panels)) },
      title: title)
    figure.rowWeights = [3, 1]
    figure.shareX = true
    figure.shareY = true
    figure.legend = FigureLegend(reliabilityLegend, position: legendAtRight ? .right : .bottom)
    return figure
  }

  /// The legend below the diagrams.
  static var reliabilityLegend: [LegendEntry] {
    typealias S = ReliabilityStyle
    return [
      LegendEntry(
        "Accuracy",
        swatch: .patch(fill: S.accuracyFill, edge: S.accuracyEdge, hatch: nil, hatchColor: nil)),
      LegendEntry(
        "Gap (over-confident)",
        swatch: .patch(fill: S.over.withAlpha(0.22), edge: S.over, hatch: .forward, hatchColor: nil)
      ),
      LegendEntry(
        "Gap (under-confident)",
        swatch: .patch(
          fill: S.under.withAlpha(0.22), edge: S.under, hatch: .backward, hatchColor: nil)),
      LegendEntry(
        "Perfect calibration",
        swatch: .line(color: S.diagonal, width: 1.1, dash: .dashed, marker: .none)),
      LegendEntry(
        "Overall accuracy", swatch: .line(color: .ink, width: 1.4, dash: .solid, marker: .none)),
      LegendEntry(
        "Mean confidence", swatch: .line(color: S.over, width: 1.4, dash: .dotted, marker: .none)),
    ]
  }

  /// The upper panel: accuracy bars, shaded gaps, the diagonal and the ECE label.
  static func reliabilityAxes(_ panel: ReliabilityPanel) -> Axes {
    typealias S = ReliabilityStyle
    let bins = panel.bins.filter {
      $0.count > 0 && $0.accuracy.isFinite && $0.meanConfidence.isFinite
    }
    let range = xRange(panel.bins)
    var axes = Axes(
      title: panel.title, x: Axis("Confidence", limits: range), y: Axis("Accuracy", limits: 0...1))
    axes.legend = .none
    axes.add(
      .bars(
        BarSeries(
          left: bins.map(\.lower), right: bins.map(\.upper), top: bins.map(\.accuracy),
          color: S.accuracyFill, edgeColor: S.accuracyEdge)))
    for (isOver, color, hatch) in [(true, S.over, Hatch.forward), (false, S.under, .backward)] {
      let gaps = bins.filter {
        ($0.meanConfidence > $0.accuracy) == isOver && $0.meanConfidence != $0.accuracy
      }
      var bars = BarSeries(
        left: gaps.map(\.lower), right: gaps.map(\.upper),
        top: gaps.map { max($0.meanConfidence, $0.accuracy) },
        bottom: gaps.map { min($0.meanConfidence, $0.accuracy) }, color: color.withAlpha(0.22),
        edgeColor: color, hatch: hatch)
      bars.edgeWidth = 1
      axes.add(.bars(bars))
    }
    var diagonal = LineSeries(
      x: [range.lowerBound, range.upperBound], y: [range.lowerBound, range.upperBound],
      color: S.diagonal, dash: .dashed)
    diagonal.width = 1.1
    axes.add(.line(diagonal))
    axes.add(
      .text(
        TextAnnotation(
          "ECE = " + Ticks.fixed(panel.ece * 100, decimals: 2) + "%",
          at: .fraction(x: 0.04, y: 0.96),
          alignment: .topLeft, fontSize: 9.5, boxed: true)))
    return axes
  }

  /// Sample fractions per bin of one panel.
  static func sampleFractions(_ panel: ReliabilityPanel) -> [Double] {
    let total = Double(panel.bins.reduce(0) { $0 + max($1.count, 0) })
    return panel.bins.map { total > 0 ? Double($0.count) / total : 0 }
  }

  /// One y limit for every confidence histogram: the panels share their y axis, so each must
  /// fit the fullest bin of any panel (a collapsed TS panel puts every sample in one bin).
  static func sharedHistogramTop(_ panels: [ReliabilityPanel]) -> Double {
    max(panels.flatMap(sampleFractions).max() ?? 0, 0.01) * 1.15
  }

  /// The lower panel: fraction of samples per bin, with overall accuracy and mean confidence.
  static func confidenceHistogramAxes(_ panel: ReliabilityPanel, top: Double) -> Axes {
    typealias S = ReliabilityStyle
    let total = Double(panel.bins.reduce(0) { $0 + max($1.count, 0) })
    let fractions = sampleFractions(panel)
    var axes = Axes(
      x: Axis("Confidence", limits: xRange(panel.bins)), y: Axis("Samples", limits: 0...top))
    axes.legend = .none
    axes.y.ticks = [0, top / 1.15].filter { $0 >= 0 }
    axes.y.tickLabels = ["0", Ticks.fixed(top / 1.15 * 100, decimals: 0) + "%"]
    axes.add(
      .bars(
        BarSeries(
          left: panel.bins.map(\.lower), right: panel.bins.map(\.upper), top: fractions,
          color: S.accuracyFill, edgeColor: S.accuracyEdge)))
    guard total > 0 else { return axes }
    let accuracy = panel.bins.reduce(0) { $0 + Double($1.count) * finite($1.accuracy) } / total
    let confidence =
      panel.bins.reduce(0) { $0 + Double($1.count) * finite($1.meanConfidence) } / total
    axes.add(.rule(Rule(.vertical, at: accuracy, color: .ink, dash: .solid, width: 1.4)))
    axes.add(.rule(Rule(.vertical, at: confidence, color: S.over, dash: .dotted, width: 1.4)))
    return axes
  }

  /// [min lower, max upper] of the bins, or [0, 1] when there are none.
  static func xRange(_ bins: [ConfidenceBin]) -> ClosedRange<Double> {
    let low = bins.map(\.lower).min() ?? 0
    let high = bins.map(\.upper).max() ?? 1
    return high > low ? low...high : 0...1
  }

  private static func finite(_ v: Double) -> Double { v.isFinite ? v : 0 }
}

/// One curve of a line plot: a mean and, optionally, its standard deviation per point.
public struct LineData: Sendable, Equatable {
  /// The legend text.
  public var label: String
  /// Abscissae.
  public var x: [Double]
  /// Means, one per abscissa.
  public var y: [Double]
  /// Standard deviations; drawn as a shaded band y ± std.
  public var std: [Double]?
  /// Nil takes the next series colour.
  public var color: Color?
  /// Nil takes the next marker (circle, square, triangle, diamond, cross); `.none` for none.
  public var marker: Marker?
  /// The stroke pattern.
  public var dash: Dash = .solid

  /// A curve called `label` through (x[i], y[i]) with optional ±std band.
  public init(
    _ label: String, x: [Double], y: [Double], std: [Double]? = nil, color: Color? = nil,
    marker: Marker? = nil, dash: Dash = .solid
  ) {
    self.label = label
    self.x = x
    self.y = y
    self.std = std
    self.color = color
    self.marker = marker
    self.dash = dash
  }
}

/// One panel of a line plot.
public struct LinePanel: Sendable, Equatable {
  /// The panel title.
  public var title: String?
  /// The x-axis title.
  public var xLabel: String?
  /// The y-axis title.
  public var yLabel: String?
  /// The curves, drawn in order.
  public var series: [LineData]
  /// Linear or logarithmic x axis.
  public var xScale: AxisScale = .linear
  /// Linear or logarithmic y axis.
  public var yScale: AxisScale = .linear
  /// Fixed ranges; nil fits the data.
  public var xLimits: ClosedRange<Double>?
  /// A fixed y range; nil fits the data.
  public var yLimits: ClosedRange<Double>?
  /// Reference lines y = c drawn dotted in grey (e.g. a full-data accuracy).
  public var referenceY: [Double] = []

  /// A panel of `series` with axis titles.
  public init(
    title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, series: [LineData],
    xScale: AxisScale = .linear, yScale: AxisScale = .linear
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.xScale = xScale
    self.yScale = yScale
  }
}

extension Figure {
  /// The markers series take in turn, so curves stay apart in greyscale print too.
  static let markerCycle: [Marker] = [.circle, .square, .triangle, .diamond, .cross]

  /// Line plots with markers and optional mean ± std bands (the paper's Figs. 3, 5, 8, 9, 10
  /// and 13: accuracy against the fraction of dropped singular values, ECE against the mask
  /// ratio or validation size, cumulative explained ratio).
  /// - Parameters:
  ///   - panels: one or more panels.
  ///   - columns: panels per row (default: all in one row).
  ///   - sharedLegend: one legend below the figure (from the first panel's series) instead of
  ///     one per panel; use it when every panel has the same series.
  ///   - title: an optional figure title.
  /// - Throws: `PlotError.lengthMismatch` when a series' x, y and std differ in length;
  ///   `invalidArgument` for no panels.
  public static func linePlot(
    _ panels: [LinePanel], columns: Int? = nil, sharedLegend: Bool = false, title: String? = nil
  ) throws(PlotError) -> Figure {
    try PlotError.check(!panels.isEmpty, "panels", "[]", expected: "at least one panel")
    for panel in panels {
      for s in panel.series {
        try PlotError.checkLength("series '\(s.label)' y", expected: s.x.count, found: s.y.count)
        if let std = s.std {
          try PlotError.checkLength(
            "series '\(s.label)' std", expected: s.x.count, found: std.count)
        }
      }
    }
    var axes = panels.map(lineAxes)
    let (rows, cols) = grid(count: panels.count, columns: columns)
    if sharedLegend {
      for i in axes.indices { axes[i].legend = .none }
    }
    var figure = Figure(
      width: min(330 * Double(cols) + 40, 960),
      height: 280 * Double(rows) + (title == nil ? 0 : 20) + (sharedLegend ? 24 : 0),
      rows: rows, columns: cols, panels: axes, title: title)
    if sharedLegend, let first = axes.first {
      figure.legend = FigureLegend(first.legendEntries)
    }
    return figure
  }

  static func lineAxes(_ panel: LinePanel) -> Axes {
    var axes = Axes(
      title: panel.title, x: Axis(panel.xLabel, scale: panel.xScale, limits: panel.xLimits),
      y: Axis(panel.yLabel, scale: panel.yScale, limits: panel.yLimits))
    for (k, s) in panel.series.enumerated() {
      var line = LineSeries(
        x: s.x, y: s.y, label: s.label, color: s.color ?? Palette.series(k), dash: s.dash,
        marker: s.marker ?? markerCycle[k % markerCycle.count], band: s.std)
      if s.x.count > 40 && s.marker == nil { line.marker = .none }
      axes.add(.line(line))
    }
    for c in panel.referenceY { axes.add(.rule(Rule(.horizontal, at: c))) }
    return axes
  }
}

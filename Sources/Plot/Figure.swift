/// A figure: a grid of panels plus an optional title and figure-wide legend. Plain data; a
/// `Renderer` turns it into pixels or vector graphics.
///
/// Sizes are in points (1/72 inch). A PNG at `dpi` has `width · dpi / 72` pixels across, so
/// the default 576 × 360 pt figure is 800 × 500 pixels at 100 dpi.
public struct Figure: Sendable, Equatable {
  /// Page width in points.
  public var width: Double
  /// Page height in points.
  public var height: Double
  /// A title centred above all panels.
  public var title: String?
  /// The grid the panels fill in row-major order (`panels.count ≤ rows · columns`).
  public var rows: Int
  /// Grid columns.
  public var columns: Int
  /// The panels, row by row.
  public var panels: [Axes]
  /// Relative heights of the rows (nil: equal).
  public var rowWeights: [Double]?
  /// Relative widths of the columns (nil: equal).
  public var columnWeights: [Double]?
  /// Panels in one column share the x range, and only the lowest shows x tick labels and the
  /// x label.
  public var shareX: Bool = false
  /// Panels in one row share the y range, and only the leftmost shows y tick labels and label.
  public var shareY: Bool = false
  /// A legend for the whole figure, outside the panels.
  public var legend: FigureLegend?
  /// The page colour behind everything.
  public var background: Color = .white

  /// A figure of `rows × columns` panels on a `width × height` point page.
  public init(
    width: Double = 576, height: Double = 360, rows: Int = 1, columns: Int = 1,
    panels: [Axes], title: String? = nil
  ) {
    self.width = width
    self.height = height
    self.rows = max(rows, 1)
    self.columns = max(columns, 1)
    self.panels = panels
    self.title = title
  }

  /// A one-panel figure.
  public init(width: Double = 576, height: Double = 360, _ axes: Axes) {
    self.init(width: width, height: height, panels: [axes])
  }

  /// Checks what rendering relies on: a positive size, enough grid cells, matching weights
  /// and the lengths of every series.
  /// - Throws: `PlotError.invalidArgument` or `lengthMismatch`, naming the panel and series.
  public func validate() throws(PlotError) {
    try PlotError.check(
      width > 0 && height > 0 && width.isFinite && height.isFinite, "figure size",
      "\(width)×\(height)", expected: "positive finite points")
    try PlotError.check(
      panels.count <= rows * columns, "panels", "\(panels.count)",
      expected: "at most rows·columns = \(rows * columns)")
    if let rowWeights {
      try PlotError.checkLength("rowWeights", expected: rows, found: rowWeights.count)
    }
    if let columnWeights {
      try PlotError.checkLength("columnWeights", expected: columns, found: columnWeights.count)
    }
    for (index, panel) in panels.enumerated() {
      try panel.validate(name: "panel \(index)")
    }
  }
}

/// A figure-wide legend outside the panels.
public struct FigureLegend: Sendable, Equatable {
  /// Which side of the figure the legend occupies.
  public enum Position: String, Sendable, Hashable {
    /// Below the panels, entries in centred rows.
    case bottom
    /// Above the panels (under the title), entries in centred rows.
    case top
    /// Right of the panels, one entry per line.
    case right
  }

  /// The entries, in reading order.
  public var entries: [LegendEntry]
  /// The side of the figure the legend occupies.
  public var position: Position
  /// An optional heading above the entries (drawn for `.right` legends only).
  public var title: String?

  /// A legend with the given entries.
  public init(_ entries: [LegendEntry], position: Position = .bottom, title: String? = nil) {
    self.entries = entries
    self.position = position
    self.title = title
  }
}

/// One legend line: a small sample of the mark's style and its text.
public struct LegendEntry: Sendable, Equatable {
  /// The sample drawn before the text.
  public enum Swatch: Sendable, Equatable {
    /// A short line segment, with a marker in its middle when `marker != .none`.
    case line(color: Color, width: Double, dash: Dash, marker: Marker)
    /// A filled square with optional outline and hatching.
    case patch(fill: Color, edge: Color?, hatch: Hatch?, hatchColor: Color?)
    /// A single marker.
    case marker(color: Color, marker: Marker)
  }

  /// The text after the swatch.
  public var label: String
  /// The style sample before the text.
  public var swatch: Swatch

  /// An entry showing `swatch` next to `label`.
  public init(_ label: String, swatch: Swatch) {
    self.label = label
    self.swatch = swatch
  }

  /// The entry a labelled mark contributes, or nil (no label, or a text/image mark).
  /// Marks should have their colours resolved first (`Axes.resolvingColors()`).
  public init?(mark: Mark) {
    switch mark {
    case .line(let s):
      guard let label = s.label else { return nil }
      let color = s.color ?? Palette.series(0)
      self.init(label, swatch: .line(color: color, width: s.width, dash: s.dash, marker: s.marker))
    case .bars(let s):
      guard let label = s.label else { return nil }
      self.init(
        label,
        swatch: .patch(
          fill: s.color ?? Palette.series(0), edge: s.edgeColor, hatch: s.hatch,
          hatchColor: s.hatchColor))
    case .histogram(let s):
      guard let label = s.label else { return nil }
      let color = s.color ?? Palette.series(0)
      self.init(
        label,
        swatch: .patch(fill: color.withAlpha(s.fillAlpha), edge: color, hatch: nil, hatchColor: nil)
      )
    case .scatter(let s):
      guard let label = s.label else { return nil }
      self.init(label, swatch: .marker(color: s.color ?? Palette.series(0), marker: s.marker))
    case .rule(let r):
      guard let label = r.label else { return nil }
      self.init(label, swatch: .line(color: r.color, width: r.width, dash: r.dash, marker: .none))
    case .text, .image:
      return nil
    }
  }
}

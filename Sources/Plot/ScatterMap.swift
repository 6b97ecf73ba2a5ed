/// 2-D embedded points (e.g. t-SNE of one layer's features) with a class label each.
public struct ScatterPanel: Sendable, Equatable {
  /// The panel title (e.g. a layer name).
  public var title: String?
  /// First embedding coordinate of each point.
  public var x: [Double]
  /// Second embedding coordinate of each point.
  public var y: [Double]
  /// Class index of each point, in 0..<classNames.count.
  public var labels: [Int]

  /// A panel of points (x[i], y[i]) of class labels[i].
  public init(title: String? = nil, x: [Double], y: [Double], labels: [Int]) {
    self.title = title
    self.x = x
    self.y = y
    self.labels = labels
  }
}

extension Figure {
  /// Scatter maps coloured by class (the paper's Figs. 4 and 6: t-SNE of conv1…fc features of
  /// networks trained on full vs distilled data), with one class legend at the right.
  ///
  /// Embedding coordinates carry no meaning, so the panels have a frame but no ticks.
  /// Colours come from `Palette.categorical(classNames.count)`; with more than 20 classes
  /// the legend is left out.
  /// - Parameters:
  ///   - panels: e.g. one per layer; a grid of `columns` per row.
  ///   - classNames: the class names; their count fixes the palette.
  ///   - columns: panels per row (default: all in one row).
  ///   - pointSize: marker diameter in points.
  ///   - title: an optional figure title.
  /// - Throws: `PlotError.lengthMismatch` when x, y and labels differ in length;
  ///   `invalidArgument` for a label outside 0..<classNames.count or no panels.
  public static func scatterMap(
    _ panels: [ScatterPanel], classNames: [String], columns: Int? = nil,
    pointSize: Double = 3.5, title: String? = nil
  ) throws(PlotError) -> Figure {
    try PlotError.check(!panels.isEmpty, "panels", "[]", expected: "at least one panel")
    let colors = Palette.categorical(classNames.count)
    var axes: [Axes] = []
    for (p, panel) in panels.enumerated() {
      try PlotError.checkLength(
        "scatter panel \(p) y", expected: panel.x.count, found: panel.y.count)
      try PlotError.checkLength(
        "scatter panel \(p) labels", expected: panel.x.count, found: panel.labels.count)
      if let bad = panel.labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
        throw .invalidArgument(
          name: "scatter panel \(p) label", value: "\(bad)",
          expected: "0..<\(classNames.count) (one per class name)")
      }
      axes.append(scatterAxes(panel, colors: colors, pointSize: pointSize))
    }
    let (rows, cols) = grid(count: panels.count, columns: columns)
    let height = 190 * Double(rows) + (title == nil ? 10 : 30)
    var legendWidth = 0.0
    if classNames.count <= 20 {
      // Entries flow into as many columns as the height needs (about 13.3 points per entry).
      let perColumn = max(Int((height - 20) / 13.3), 1)
      let legendColumns = (classNames.count + perColumn - 1) / perColumn
      let longest = Double(classNames.map(\.count).max() ?? 0)
      legendWidth = Double(legendColumns) * (longest * 5.4 + 39) + 10
    }
    var figure = Figure(
      width: 190 * Double(cols) + legendWidth + 20, height: height, rows: rows, columns: cols,
      panels: axes, title: title)
    if classNames.count <= 20 {
      let entries = classNames.indices.map {
        LegendEntry(classNames[$0], swatch: .marker(color: colors[$0], marker: .circle))
      }
      figure.legend = FigureLegend(entries, position: .right)
    }
    return figure
  }

  /// Equal x and y spans (the larger one, plus 5% each side) centred on the finite points, so
  /// an embedding keeps its proportions in a square panel.
  static func squareLimits(
    _ panel: ScatterPanel
  ) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
    let xs = panel.x.filter(\.isFinite)
    let ys = panel.y.filter(\.isFinite)
    guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else {
      return (0...1, 0...1)
    }
    let half = max(x1 - x0, y1 - y0, 1e-9) * 0.55
    let (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2)
    return ((cx - half)...(cx + half), (cy - half)...(cy + half))
  }

  /// Points drawn in a fixed interleaved order (round-robin over classes), so no class is
  /// systematically painted over the others.
  static func scatterAxes(_ panel: ScatterPanel, colors: [Color], pointSize: Double) -> Axes {
    var axes = Axes(title: panel.title, x: .hidden, y: .hidden)
    axes.grid = false
    axes.legend = .none
    let square = squareLimits(panel)
    axes.x.limits = square.x
    axes.y.limits = square.y
    axes.aspect = 1
    var byClass = [[Int]](repeating: [], count: colors.count)
    for i in panel.labels.indices { byClass[panel.labels[i]].append(i) }
    let rounds = byClass.map(\.count).max() ?? 0
    let chunk = max(rounds / 8, 1)
    for start in stride(from: 0, to: rounds, by: chunk) {
      for k in byClass.indices where start < byClass[k].count {
        let slice = byClass[k][start..<min(start + chunk, byClass[k].count)]
        axes.add(
          .scatter(
            ScatterSeries(
              x: slice.map { panel.x[$0] }, y: slice.map { panel.y[$0] }, color: colors[k],
              size: pointSize, alpha: 0.8)))
      }
    }
    return axes
  }
}

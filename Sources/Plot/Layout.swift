/// Where every part of a figure goes, in points with y growing downwards.
struct FigureLayout {
  var panels: [PanelLayout]
  /// The figure title, centred on `x` with its baseline at `y`.
  var title: (text: String, x: Double, y: Double)?
  var legend: LegendLayout?
}

/// A panel after layout: its marks (colours resolved), plot area and resolved axes.
struct PanelLayout {
  var axes: Axes
  var plot: Rect
  var x: AxisFrame
  var y: AxisFrame
  var legend: LegendLayout?

  /// The point in the page of data coordinates (x, y); NaN parts for unplottable values.
  func point(_ dataX: Double, _ dataY: Double) -> (x: Double, y: Double) {
    (plot.minX + x.fraction(dataX) * plot.width, plot.maxY - y.fraction(dataY) * plot.height)
  }
}

/// The space a panel's decorations need around its plot area.
struct Insets: Equatable {
  var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
}

/// Computes a `FigureLayout`: shared ranges, ticks that fit, aligned plot areas, legends.
enum Layout {
  static func make(_ figure: Figure, measurer: some TextMeasurer) -> FigureLayout {
    let panels = figure.panels.map { $0.resolvingColors() }
    let limits = sharedLimits(figure, panels)
    let cellWidth = figure.width / Double(figure.columns) * 0.75
    let cellHeight = figure.height / Double(figure.rows) * 0.7
    var targets = panels.map { _ in tickTargets(width: cellWidth, height: cellHeight) }
    var frames = resolveFrames(figure, panels, limits, targets)
    var rects = place(figure, panels, frames, measurer: measurer)
    for _ in 0..<2 {
      let refined = panels.indices.map { i in
        fitTargets(frames[i], rect: rects[i], panel: panels[i], limits: limits[i], measurer)
      }
      if refined == targets { break }
      targets = refined
      frames = resolveFrames(figure, panels, limits, targets)
      rects = place(figure, panels, frames, measurer: measurer)
    }
    var layouts = panels.indices.map { i in
      PanelLayout(axes: panels[i], plot: rects[i], x: frames[i].x, y: frames[i].y)
    }
    for i in layouts.indices {
      layouts[i].legend = LegendLayout.panel(layouts[i], measurer: measurer)
    }
    return FigureLayout(
      panels: layouts, title: titlePosition(figure),
      legend: LegendLayout.figure(figure, panels: rects, measurer: measurer))
  }

  // MARK: - Ranges and ticks

  /// Each panel's (x, y) range: its own fixed limits, else the fit to the data of every
  /// panel it shares the axis with.
  static func sharedLimits(
    _ figure: Figure, _ panels: [Axes]
  ) -> [(x: ClosedRange<Double>, y: ClosedRange<Double>)] {
    let extents = panels.map { $0.extents() }
    let columns = figure.columns
    func merged(_ group: [Int], _ pick: ((x: Extent, y: Extent)) -> Extent) -> Extent {
      group.reduce(into: Extent()) { result, j in
        let e = pick(extents[j])
        result.lower = min(result.lower, e.lower)
        result.upper = max(result.upper, e.upper)
        result.sticky += e.sticky
      }
    }
    return panels.indices.map { i in
      let xGroup = figure.shareX ? panels.indices.filter { $0 % columns == i % columns } : [i]
      let yGroup = figure.shareY ? panels.indices.filter { $0 / columns == i / columns } : [i]
      let fixedX = panels[i].x.limits ?? xGroup.lazy.compactMap { panels[$0].x.limits }.first
      let fixedY = panels[i].y.limits ?? yGroup.lazy.compactMap { panels[$0].y.limits }.first
      return (
        fixedX ?? merged(xGroup, { $0.x }).limits(scale: panels[i].x.scale),
        fixedY ?? merged(yGroup, { $0.y }).limits(scale: panels[i].y.scale)
      )
    }
  }

  /// About one x tick per 45 points and one y tick per 30 points, 2 to 10 intervals (x labels
  /// that would collide are thinned out later by `fitTargets`).
  static func tickTargets(width: Double, height: Double) -> TickTargets {
    TickTargets(
      x: min(max(Int(width / 45), 2), 10), y: min(max(Int(height / 30), 2), 8))
  }

  /// The targets for `rect`, lowered until neighbouring x labels keep 8 points apart and y
  /// labels one line apart.
  static func fitTargets(
    _ frames: (x: AxisFrame, y: AxisFrame), rect: Rect, panel: Axes,
    limits: (x: ClosedRange<Double>, y: ClosedRange<Double>), _ measurer: some TextMeasurer
  ) -> TickTargets {
    var targets = tickTargets(width: rect.width, height: rect.height)
    while targets.x > 1 {
      let frame = AxisFrame(axis: panel.x, limits: limits.x, target: targets.x)
      let widths = frame.visibleTicks.map {
        measurer.width(of: $0.label, size: Style.tickFont, bold: false)
      }
      if !frame.labelsCollide(length: rect.width, extents: widths, gap: 8) { break }
      targets.x -= 1
    }
    while targets.y > 1 {
      let frame = AxisFrame(axis: panel.y, limits: limits.y, target: targets.y)
      let heights = frame.visibleTicks.map { _ in Style.lineHeight(Style.tickFont) }
      if !frame.labelsCollide(length: rect.height, extents: heights, gap: 2) { break }
      targets.y -= 1
    }
    return targets
  }

  /// The axis frames of every panel, with tick labels and titles hidden on inner shared axes.
  static func resolveFrames(
    _ figure: Figure, _ panels: [Axes],
    _ limits: [(x: ClosedRange<Double>, y: ClosedRange<Double>)],
    _ targets: [TickTargets]
  ) -> [(x: AxisFrame, y: AxisFrame)] {
    panels.indices.map { i in
      var x = AxisFrame(axis: panels[i].x, limits: limits[i].x, target: targets[i].x)
      var y = AxisFrame(axis: panels[i].y, limits: limits[i].y, target: targets[i].y)
      if figure.shareX && i + figure.columns < panels.count {
        x.showTickLabels = false
        x.showTitle = false
      }
      if figure.shareY && i % figure.columns != 0 {
        y.showTickLabels = false
        y.showTitle = false
      }
      return (x, y)
    }
  }

  // MARK: - Geometry

  /// Plot areas aligned across the grid: each column gets the widest left and right insets of
  /// its panels, each row the tallest top and bottom; the rest is shared out by the weights.
  static func place(
    _ figure: Figure, _ panels: [Axes], _ frames: [(x: AxisFrame, y: AxisFrame)],
    measurer: some TextMeasurer
  ) -> [Rect] {
    let insets = panels.indices.map { i in
      self.insets(panels[i], frames[i], measurer: measurer)
    }
    let area = panelArea(figure, measurer: measurer)
    let (rows, columns) = (figure.rows, figure.columns)
    var left = [Double](repeating: 0, count: columns)
    var right = left
    var top = [Double](repeating: 0, count: rows)
    var bottom = top
    for (i, inset) in insets.enumerated() {
      left[i % columns] = max(left[i % columns], inset.left)
      right[i % columns] = max(right[i % columns], inset.right)
      top[i / columns] = max(top[i / columns], inset.top)
      bottom[i / columns] = max(bottom[i / columns], inset.bottom)
    }
    let widths = share(
      area.width - left.reduce(0, +) - right.reduce(0, +) - Double(columns - 1) * Style.columnGap,
      weights: figure.columnWeights, count: columns)
    let heights = share(
      area.height - top.reduce(0, +) - bottom.reduce(0, +) - Double(rows - 1) * Style.rowGap,
      weights: figure.rowWeights, count: rows)
    return panels.indices.map { i in
      let (r, c) = (i / columns, i % columns)
      var x = area.minX + left[c]
      for k in 0..<c { x += left[k] + widths[k] + right[k] + Style.columnGap }
      var y = area.minY + top[r]
      for k in 0..<r { y += top[k] + heights[k] + bottom[k] + Style.rowGap }
      let cell = Rect(x: x, y: y, width: widths[c], height: heights[r])
      return fitAspect(cell, panel: panels[i], frames: frames[i])
    }
  }

  /// `total` (at least 10 points per part) split in proportion to `weights`.
  static func share(_ total: Double, weights: [Double]?, count: Int) -> [Double] {
    let w =
      weights.flatMap { $0.count == count && $0.allSatisfy { $0 > 0 } ? $0 : nil }
      ?? Array(repeating: 1, count: count)
    let sum = w.reduce(0, +)
    return w.map { max(total, 10 * Double(count)) * $0 / sum }
  }

  /// The largest rectangle centred in `cell` that honours the panel's aspect ratio.
  static func fitAspect(_ cell: Rect, panel: Axes, frames: (x: AxisFrame, y: AxisFrame)) -> Rect {
    guard frames.x.scale == .linear, frames.y.scale == .linear else { return cell }
    let (spanX, spanY) = (frames.x.upper - frames.x.lower, frames.y.upper - frames.y.lower)
    if let unit = panel.unitSize, unit > 0, spanX * unit <= cell.width + 1e-9,
      spanY * unit <= cell.height + 1e-9
    {
      let (w, h) = (spanX * unit, spanY * unit)
      return Rect(x: cell.midX - w / 2, y: cell.midY - h / 2, width: w, height: h)
    }
    let aspect = panel.aspect ?? (panel.unitSize == nil ? 0 : 1)
    guard aspect > 0 else { return cell }
    let ratio = aspect * spanY / spanX
    guard ratio.isFinite, ratio > 0 else { return cell }
    if cell.height / cell.width > ratio {
      let h = cell.width * ratio
      return Rect(x: cell.x, y: cell.y + (cell.height - h) / 2, width: cell.width, height: h)
    }
    let w = cell.height / ratio
    return Rect(x: cell.x + (cell.width - w) / 2, y: cell.y, width: w, height: cell.height)
  }
}

/// Wanted numbers of tick intervals along x and y.
struct TickTargets: Equatable {
  var x: Int
  var y: Int
}

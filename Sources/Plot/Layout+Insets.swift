extension Layout {
  /// The room a panel's decorations take outside its plot area: tick marks and labels, axis
  /// titles, the panel title, half-labels overhanging the ends of the x axis, and an outside
  /// legend.
  static func insets(
    _ panel: Axes, _ frames: (x: AxisFrame, y: AxisFrame), measurer: some TextMeasurer
  ) -> Insets {
    let (x, y) = frames
    var inset = Insets()
    func tickWidth(_ label: String) -> Double {
      measurer.width(of: label, size: Style.tickFont, bold: false)
    }
    if y.showTicks { inset.left += Style.tickLength }
    if y.showTickLabels {
      inset.left += Style.tickPad + (y.visibleTicks.map { tickWidth($0.label) }.max() ?? 0)
    }
    if y.showTitle { inset.left += Style.labelPad + Style.lineHeight(Style.labelFont) }
    if x.showTicks { inset.bottom += Style.tickLength }
    if x.showTickLabels { inset.bottom += Style.tickPad + Style.lineHeight(Style.tickFont) }
    if x.showTitle { inset.bottom += Style.labelPad + Style.lineHeight(Style.labelFont) }
    if panel.title != nil {
      inset.top = Style.lineHeight(Style.titleFont) + Style.titlePad
    } else if y.showTickLabels {
      inset.top = Style.capHeight(Style.tickFont) / 2 + 1
    }
    if x.showTickLabels, let first = x.visibleTicks.first, let last = x.visibleTicks.last {
      if first.fraction < 0.05 { inset.left = max(inset.left, tickWidth(first.label) / 2) }
      if last.fraction > 0.95 { inset.right = max(inset.right, tickWidth(last.label) / 2) }
    }
    if y.showTickLabels && !y.visibleTicks.isEmpty && !x.showTickLabels {
      inset.bottom = max(inset.bottom, Style.capHeight(Style.tickFont) / 2 + 1)
    }
    if panel.legend == .outsideRight {
      let entries = panel.legendEntries
      if !entries.isEmpty {
        let size = LegendLayout.columnSize(entries, title: nil, measurer: measurer)
        inset.right = max(inset.right, Style.legendInset + size.width)
      }
    }
    return inset
  }

  /// The page minus the margins, the figure title and the figure legend.
  static func panelArea(_ figure: Figure, measurer: some TextMeasurer) -> Rect {
    let m = Style.margin
    var area = Rect(x: m, y: m, width: figure.width - 2 * m, height: figure.height - 2 * m)
    if figure.title != nil {
      let h = Style.lineHeight(Style.figureTitleFont) + Style.titlePad
      area.y += h
      area.height -= h
    }
    guard let legend = figure.legend, !legend.entries.isEmpty else { return area }
    let size = LegendLayout.figureSize(
      legend, maxWidth: area.width, maxHeight: area.height, measurer: measurer)
    switch legend.position {
    case .bottom:
      area.height -= size.height + Style.rowGap
    case .top:
      area.y += size.height + Style.rowGap
      area.height -= size.height + Style.rowGap
    case .right:
      area.width -= size.width + Style.columnGap
    }
    return area
  }

  /// The figure title's centre x and baseline y.
  static func titlePosition(_ figure: Figure) -> (text: String, x: Double, y: Double)? {
    figure.title.map { ($0, figure.width / 2, Style.margin + Style.figureTitleFont * 0.93) }
  }
}

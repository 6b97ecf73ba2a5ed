/// A legend placed on the page: its box, optional heading and entry positions.
struct LegendLayout {
  var box: Rect
  /// Whether to draw a white box with a thin outline behind the entries.
  var framed: Bool
  /// The heading's left x and baseline y.
  var title: (text: String, x: Double, y: Double)?
  /// Each entry with the left edge of its swatch and the centre line of its row.
  var items: [(entry: LegendEntry, x: Double, y: Double)]

  static var rowHeight: Double { Style.lineHeight(Style.legendFont) + 2.5 }

  /// Swatch, gap and text width of one entry.
  static func entryWidth(_ entry: LegendEntry, measurer: some TextMeasurer) -> Double {
    Style.legendSwatch + Style.legendSwatchGap
      + measurer.width(of: entry.label, size: Style.legendFont, bold: false)
  }

  /// The size of a framed one-column legend, padding included.
  static func columnSize(
    _ entries: [LegendEntry], title: String?, measurer: some TextMeasurer
  ) -> (width: Double, height: Double) {
    var width = entries.map { entryWidth($0, measurer: measurer) }.max() ?? 0
    var rows = Double(entries.count)
    if let title {
      width = max(width, measurer.width(of: title, size: Style.legendFont, bold: true))
      rows += 1
    }
    return (width + 2 * Style.legendPad, rows * rowHeight + 2 * Style.legendPad - 2)
  }

  /// Entries (and heading) in one column with the box's top-left corner at (x, y).
  static func column(
    _ entries: [LegendEntry], title: String?, x: Double, y: Double, framed: Bool,
    measurer: some TextMeasurer
  ) -> LegendLayout {
    let size = columnSize(entries, title: title, measurer: measurer)
    var rowY = y + Style.legendPad - 1 + rowHeight / 2
    var heading: (String, Double, Double)?
    if let title {
      heading = (title, x + Style.legendPad, rowY + Style.capHeight(Style.legendFont) / 2)
      rowY += rowHeight
    }
    var items: [(LegendEntry, Double, Double)] = []
    for entry in entries {
      items.append((entry, x + Style.legendPad, rowY))
      rowY += rowHeight
    }
    return LegendLayout(
      box: Rect(x: x, y: y, width: size.width, height: size.height), framed: framed,
      title: heading, items: items)
  }

  // MARK: - Panel legends

  /// The legend of a laid-out panel, or nil when it has no labelled marks or none is wanted.
  static func panel(_ panel: PanelLayout, measurer: some TextMeasurer) -> LegendLayout? {
    let entries = panel.axes.legendEntries
    guard !entries.isEmpty, panel.axes.legend != .none else { return nil }
    let size = columnSize(entries, title: nil, measurer: measurer)
    let plot = panel.plot
    var placement = panel.axes.legend
    if placement == .best {
      let ink = LegendPlacer.ink(of: panel, measurer: measurer)
      placement = LegendPlacer.best(width: size.width, height: size.height, in: plot, ink: ink)
    }
    let origin = LegendPlacer.origin(
      placement, width: size.width, height: size.height, in: plot)
    return column(entries, title: nil, x: origin.x, y: origin.y, framed: true, measurer: measurer)
  }

  // MARK: - Figure legends

  /// A right-hand legend with its box's top-left corner at (x, y): one column of entries, or
  /// several side by side when one would be taller than `maxHeight`.
  static func rightColumns(
    _ legend: FigureLegend, x: Double, y: Double, maxHeight: Double,
    measurer: some TextMeasurer
  ) -> LegendLayout {
    let heading = legend.title == nil ? 0 : rowHeight
    let perColumn = max(1, Int((maxHeight - 2 * Style.legendPad + 2 - heading) / rowHeight))
    var rowY = y + Style.legendPad - 1 + rowHeight / 2
    var title: (String, Double, Double)?
    if let text = legend.title {
      title = (text, x + Style.legendPad, rowY + Style.capHeight(Style.legendFont) / 2)
      rowY += rowHeight
    }
    var items: [(LegendEntry, Double, Double)] = []
    var columnX = x + Style.legendPad
    for start in stride(from: 0, to: legend.entries.count, by: perColumn) {
      let chunk = legend.entries[start..<min(start + perColumn, legend.entries.count)]
      for (r, entry) in chunk.enumerated() {
        items.append((entry, columnX, rowY + Double(r) * rowHeight))
      }
      columnX +=
        (chunk.map { entryWidth($0, measurer: measurer) }.max() ?? 0) + Style.legendEntryGap
    }
    let titleWidth =
      legend.title.map {
        measurer.width(of: $0, size: Style.legendFont, bold: true)
      } ?? 0
    let width =
      max(columnX - Style.legendEntryGap - x, titleWidth + Style.legendPad)
      + Style.legendPad
    let rows = Double(min(perColumn, legend.entries.count))
    let height = heading + rows * rowHeight + 2 * Style.legendPad - 2
    return LegendLayout(
      box: Rect(x: x, y: y, width: width, height: height), framed: false, title: title,
      items: items)
  }

  /// Entries packed into rows no wider than `maxWidth` (bottom and top legends), as evenly
  /// filled as the fewest rows allow.
  static func rows(
    _ entries: [LegendEntry], maxWidth: Double, measurer: some TextMeasurer
  ) -> [[(entry: LegendEntry, width: Double)]] {
    let greedy = rows(entries, maxWidth: maxWidth, perRow: entries.count, measurer: measurer)
    guard greedy.count > 1 else { return greedy }
    let even = (entries.count + greedy.count - 1) / greedy.count
    let balanced = rows(entries, maxWidth: maxWidth, perRow: even, measurer: measurer)
    return balanced.count == greedy.count ? balanced : greedy
  }

  /// Greedy packing with at most `perRow` entries per row.
  static func rows(
    _ entries: [LegendEntry], maxWidth: Double, perRow: Int, measurer: some TextMeasurer
  ) -> [[(entry: LegendEntry, width: Double)]] {
    var rows: [[(entry: LegendEntry, width: Double)]] = [[]]
    var used = 0.0
    for entry in entries {
      let w = entryWidth(entry, measurer: measurer)
      let extra = rows[rows.count - 1].isEmpty ? w : w + Style.legendEntryGap
      let full = rows[rows.count - 1].count >= perRow || used + extra > maxWidth
      if full && !rows[rows.count - 1].isEmpty {
        rows.append([(entry, w)])
        used = w
      } else {
        rows[rows.count - 1].append((entry, w))
        used += extra
      }
    }
    return rows
  }

  /// The size of a figure legend.
  static func figureSize(
    _ legend: FigureLegend, maxWidth: Double, maxHeight: Double, measurer: some TextMeasurer
  ) -> (width: Double, height: Double) {
    if legend.position == .right {
      let size = rightColumns(legend, x: 0, y: 0, maxHeight: maxHeight, measurer: measurer).box
      return (size.width, size.height)
    }
    let packed = rows(legend.entries, maxWidth: maxWidth, measurer: measurer)
    let widest =
      packed.map { row in
        row.map(\.width).reduce(0, +) + Double(max(row.count - 1, 0)) * Style.legendEntryGap
      }.max() ?? 0
    return (widest, Double(packed.count) * rowHeight)
  }

  /// The figure legend beside the panels whose plot areas are `panels`.
  static func figure(
    _ figure: Figure, panels: [Rect], measurer: some TextMeasurer
  ) -> LegendLayout? {
    guard let legend = figure.legend, !legend.entries.isEmpty else { return nil }
    let area = Layout.panelArea(figure, measurer: measurer)
    let left = panels.map(\.minX).min() ?? area.minX
    let right = panels.map(\.maxX).max() ?? area.maxX
    let size = figureSize(
      legend, maxWidth: area.width, maxHeight: area.height, measurer: measurer)
    switch legend.position {
    case .right:
      let top = panels.map(\.minY).min() ?? area.minY
      return rightColumns(
        legend, x: area.maxX + Style.columnGap, y: top, maxHeight: area.maxY - top,
        measurer: measurer)
    case .bottom, .top:
      let top =
        legend.position == .bottom
        ? figure.height - Style.margin - size.height : area.minY - size.height - Style.rowGap
      let packed = rows(legend.entries, maxWidth: area.width, measurer: measurer)
      var items: [(LegendEntry, Double, Double)] = []
      for (r, row) in packed.enumerated() {
        let rowWidth =
          row.map(\.width).reduce(0, +) + Double(max(row.count - 1, 0)) * Style.legendEntryGap
        var x = (left + right) / 2 - rowWidth / 2
        let y = top + (Double(r) + 0.5) * rowHeight
        for item in row {
          items.append((item.entry, x, y))
          x += item.width + Style.legendEntryGap
        }
      }
      return LegendLayout(
        box: Rect(
          x: (left + right - size.width) / 2, y: top, width: size.width, height: size.height),
        framed: false, title: nil, items: items)
    }
  }
}

import CCairo
import Foundation

extension Renderer {
  /// One panel: grid, clipped marks, annotations, frame, ticks, axis titles, title, legend.
  func draw(_ panel: PanelLayout) {
    let plot = panel.plot
    if panel.axes.grid { drawGrid(panel) }
    cairo_save(cr)
    // The clip grows to whole device pixels, so marks touching the edge (images, bars) are
    // not faded by a partial-pixel clip; the frame covers the difference.
    let left = (plot.minX * scale).rounded(.down) / scale
    let top = (plot.minY * scale).rounded(.down) / scale
    let right = (plot.maxX * scale).rounded(.up) / scale
    let bottom = (plot.maxY * scale).rounded(.up) / scale
    cairo_rectangle(cr, left, top, right - left, bottom - top)
    cairo_clip(cr)
    for mark in panel.axes.marks { draw(mark, in: panel) }
    cairo_restore(cr)
    if panel.axes.frame { drawFrame(plot) }
    drawXAxis(panel)
    drawYAxis(panel)
    if let title = panel.axes.title {
      text(
        title, x: plot.midX, y: plot.minY - Style.titlePad - Style.titleFont * 0.24,
        size: Style.titleFont, bold: false, align: 0.5)
    }
    for case .text(let annotation) in panel.axes.marks { draw(annotation, in: panel) }
    if let legend = panel.legend { draw(legend) }
  }

  // MARK: - Axes decorations

  func drawGrid(_ panel: PanelLayout) {
    let plot = panel.plot
    setColor(.grid)
    cairo_set_line_width(cr, Style.gridWidth)
    setDash(.solid, width: Style.gridWidth)
    for tick in panel.x.visibleTicks where tick.fraction > 0.001 && tick.fraction < 0.999 {
      let x = snap(plot.minX + tick.fraction * plot.width, width: Style.gridWidth)
      cairo_move_to(cr, x, plot.minY)
      cairo_line_to(cr, x, plot.maxY)
    }
    for tick in panel.y.visibleTicks where tick.fraction > 0.001 && tick.fraction < 0.999 {
      let y = snap(plot.maxY - tick.fraction * plot.height, width: Style.gridWidth)
      cairo_move_to(cr, plot.minX, y)
      cairo_line_to(cr, plot.maxX, y)
    }
    cairo_stroke(cr)
  }

  func drawFrame(_ plot: Rect) {
    let w = Style.frameWidth
    let left = snap(plot.minX, width: w)
    let right = snap(plot.maxX, width: w)
    let top = snap(plot.minY, width: w)
    let bottom = snap(plot.maxY, width: w)
    setColor(.ink)
    cairo_set_line_width(cr, w)
    setDash(.solid, width: w)
    cairo_rectangle(cr, left, top, right - left, bottom - top)
    cairo_stroke(cr)
  }

  func drawXAxis(_ panel: PanelLayout) {
    let (plot, axis) = (panel.plot, panel.x)
    var baseline = plot.maxY
    if axis.showTicks {
      setColor(.ink)
      cairo_set_line_width(cr, Style.frameWidth)
      for tick in axis.visibleTicks {
        let x = snap(plot.minX + tick.fraction * plot.width, width: Style.frameWidth)
        cairo_move_to(cr, x, plot.maxY)
        cairo_line_to(cr, x, plot.maxY + Style.tickLength)
      }
      cairo_stroke(cr)
      baseline += Style.tickLength
    }
    if axis.showTickLabels {
      baseline += Style.tickPad + Style.capHeight(Style.tickFont) + 0.5
      for tick in axis.visibleTicks {
        text(
          tick.label, x: plot.minX + tick.fraction * plot.width, y: baseline,
          size: Style.tickFont, bold: false, align: 0.5)
      }
      baseline += Style.lineHeight(Style.tickFont) - Style.capHeight(Style.tickFont)
    }
    if axis.showTitle, let title = axis.title {
      baseline += Style.labelPad + Style.capHeight(Style.labelFont)
      text(title, x: plot.midX, y: baseline, size: Style.labelFont, bold: false, align: 0.5)
    }
  }

  func drawYAxis(_ panel: PanelLayout) {
    let (plot, axis) = (panel.plot, panel.y)
    var edge = plot.minX
    if axis.showTicks {
      setColor(.ink)
      cairo_set_line_width(cr, Style.frameWidth)
      for tick in axis.visibleTicks {
        let y = snap(plot.maxY - tick.fraction * plot.height, width: Style.frameWidth)
        cairo_move_to(cr, plot.minX, y)
        cairo_line_to(cr, plot.minX - Style.tickLength, y)
      }
      cairo_stroke(cr)
      edge -= Style.tickLength
    }
    if axis.showTickLabels {
      edge -= Style.tickPad
      var widest = 0.0
      for tick in axis.visibleTicks {
        let y = plot.maxY - tick.fraction * plot.height + Style.capHeight(Style.tickFont) / 2
        widest = max(widest, text(tick.label, x: edge, y: y, size: Style.tickFont, align: 1))
      }
      edge -= widest
    }
    if axis.showTitle, let title = axis.title {
      let x = edge - Style.labelPad - (Style.lineHeight(Style.labelFont) - Style.labelFont * 0.76)
      cairo_save(cr)
      cairo_translate(cr, x, plot.midY)
      cairo_rotate(cr, -Double.pi / 2)
      text(title, x: 0, y: 0, size: Style.labelFont, bold: false, align: 0.5)
      cairo_restore(cr)
    }
  }

  // MARK: - Text and primitives

  static func selectFont(_ cr: OpaquePointer, size: Double, bold: Bool) {
    cairo_select_font_face(
      cr, Style.fontFamily, CAIRO_FONT_SLANT_NORMAL,
      bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(cr, size)
  }

  /// Draws `string` with its baseline at `y`; `align` is 0 (start at x), 0.5 (centre) or 1
  /// (end at x). Returns the advance width.
  @discardableResult
  func text(
    _ string: String, x: Double, y: Double, size: Double, bold: Bool = false,
    align: Double = 0, color: Color = .ink
  ) -> Double {
    let width = measurer.width(of: string, size: size, bold: bold)
    Renderer.selectFont(cr, size: size, bold: bold)
    setColor(color)
    cairo_move_to(cr, x - align * width, y)
    cairo_show_text(cr, string)
    cairo_new_path(cr)
    return width
  }

  func setColor(_ color: Color) {
    cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
  }

  /// Dash pattern in multiples of the line width (so thick lines keep their rhythm).
  func setDash(_ dash: Dash, width: Double) {
    let unit = max(width, 0.8)
    let pattern: [Double]
    switch dash {
    case .solid: pattern = []
    case .dashed: pattern = [3.7 * unit, 1.6 * unit]
    case .dotted: pattern = [1 * unit, 1.65 * unit]
    case .dashDot: pattern = [6.4 * unit, 1.6 * unit, 1 * unit, 1.6 * unit]
    }
    cairo_set_line_cap(cr, dash == .dotted ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
    cairo_set_dash(cr, pattern, Int32(pattern.count), 0)
  }

  /// `v` moved to the centre of a device pixel (odd-width lines) or a pixel edge (even), so
  /// thin horizontal and vertical lines stay crisp in PNG output.
  func snap(_ v: Double, width: Double) -> Double {
    let device = v * scale
    let pixels = max((width * scale).rounded(), 1)
    let offset = pixels.truncatingRemainder(dividingBy: 2) == 1 ? 0.5 : 0
    return ((device - offset).rounded() + offset) / scale
  }
}

import CCairo
import Foundation

extension Renderer {
  /// A marker of diameter `size` centred at (x, y): filled, with an optional outline. Crosses
  /// are stroked in the fill colour.
  func drawMarker(
    _ marker: Marker, x: Double, y: Double, size: Double, fill: Color, edge: Color?
  ) {
    let r = size / 2
    switch marker {
    case .none:
      return
    case .circle:
      cairo_new_sub_path(cr)
      cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
    case .square:
      let h = r * 0.89
      cairo_rectangle(cr, x - h, y - h, 2 * h, 2 * h)
    case .triangle:
      cairo_move_to(cr, x, y - r * 1.15)
      cairo_line_to(cr, x + r * 1.05, y + r * 0.7)
      cairo_line_to(cr, x - r * 1.05, y + r * 0.7)
      cairo_close_path(cr)
    case .diamond:
      cairo_move_to(cr, x, y - r * 1.2)
      cairo_line_to(cr, x + r * 0.9, y)
      cairo_line_to(cr, x, y + r * 1.2)
      cairo_line_to(cr, x - r * 0.9, y)
      cairo_close_path(cr)
    case .cross:
      let h = r * 0.85
      cairo_move_to(cr, x - h, y - h)
      cairo_line_to(cr, x + h, y + h)
      cairo_move_to(cr, x - h, y + h)
      cairo_line_to(cr, x + h, y - h)
      strokeLine(color: fill, width: max(size / 4, 1), dash: .solid)
      return
    }
    setColor(fill)
    if let edge {
      cairo_fill_preserve(cr)
      setColor(edge)
      cairo_set_line_width(cr, 0.7)
      setDash(.solid, width: 0.7)
      cairo_stroke(cr)
    } else {
      cairo_fill(cr)
    }
  }

  /// A legend: optional white box, heading, then each swatch and label.
  func draw(_ legend: LegendLayout) {
    if legend.framed {
      let box = legend.box
      cairo_rectangle(cr, box.x, box.y, box.width, box.height)
      setColor(Color.white.withAlpha(0.88))
      cairo_fill_preserve(cr)
      setColor(Color(hex: 0xBFBFBF))
      cairo_set_line_width(cr, 0.6)
      setDash(.solid, width: 0.6)
      cairo_stroke(cr)
    }
    if let title = legend.title {
      text(title.text, x: title.x, y: title.y, size: Style.legendFont, bold: true)
    }
    for item in legend.items {
      drawSwatch(item.entry.swatch, x: item.x, y: item.y)
      text(
        item.entry.label, x: item.x + Style.legendSwatch + Style.legendSwatchGap,
        y: item.y + Style.capHeight(Style.legendFont) / 2, size: Style.legendFont)
    }
  }

  /// The sample of an entry's style, `Style.legendSwatch` wide, centred on the row line `y`.
  func drawSwatch(_ swatch: LegendEntry.Swatch, x: Double, y: Double) {
    let w = Style.legendSwatch
    switch swatch {
    case .line(let color, let width, let dash, let marker):
      if width > 0 {
        cairo_move_to(cr, x, y)
        cairo_line_to(cr, x + w, y)
        strokeLine(color: color, width: width, dash: dash)
      }
      drawMarker(marker, x: x + w / 2, y: y, size: 5.5, fill: color, edge: .white)
    case .patch(let fill, let edge, let hatch, let hatchColor):
      let h = Style.legendFont * 0.95
      let rect = Rect(x: x + 2, y: y - h / 2, width: w - 4, height: h)
      fillRect(rect, color: fill, hatch: hatch, hatchColor: hatchColor ?? edge)
      if let edge {
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        strokeLine(color: edge, width: 0.8, dash: .solid)
      }
    case .marker(let color, let marker):
      drawMarker(marker, x: x + w / 2, y: y, size: 6.5, fill: color, edge: nil)
    }
  }

  /// A text annotation, on a translucent white box when `boxed`.
  func draw(_ annotation: TextAnnotation, in panel: PanelLayout) {
    let rect = TextBox.rect(annotation, in: panel, measurer: measurer)
    let pad = annotation.boxed ? TextBox.padding : 0
    if annotation.boxed {
      cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
      setColor(Color.white.withAlpha(0.85))
      cairo_fill_preserve(cr)
      setColor(Color(hex: 0xBFBFBF))
      cairo_set_line_width(cr, 0.6)
      setDash(.solid, width: 0.6)
      cairo_stroke(cr)
    }
    text(
      annotation.text, x: rect.minX + pad, y: rect.maxY - pad, size: annotation.fontSize,
      bold: annotation.bold, color: annotation.color)
  }
}

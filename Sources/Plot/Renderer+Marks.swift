import CCairo
import Foundation

extension Renderer {
  /// One mark, inside the panel's clip. Text marks are drawn later, above the frame.
  func draw(_ mark: Mark, in panel: PanelLayout) {
    switch mark {
    case .line(let s): draw(s, in: panel)
    case .bars(let s): draw(s, in: panel)
    case .histogram(let s): draw(s, in: panel)
    case .scatter(let s): draw(s, in: panel)
    case .image(let m): draw(m, in: panel)
    case .rule(let r): draw(r, in: panel)
    case .text: break
    }
  }

  /// The page point of (x, y), with values a log axis cannot show pinned to its low end.
  func point(_ x: Double, _ y: Double, in panel: PanelLayout) -> (x: Double, y: Double) {
    var p = panel.point(x, y)
    if panel.x.scale == .log && x <= 0 { p.x = panel.plot.minX }
    if panel.y.scale == .log && y <= 0 { p.y = panel.plot.maxY }
    return p
  }

  /// The runs of consecutive finite points (lines break at NaN and infinities).
  func runs(_ x: [Double], _ y: [Double], in panel: PanelLayout) -> [[(x: Double, y: Double)]] {
    var result: [[(x: Double, y: Double)]] = [[]]
    for i in x.indices where i < y.count {
      let p = panel.point(x[i], y[i])
      if p.x.isFinite && p.y.isFinite {
        result[result.count - 1].append(p)
      } else if !result[result.count - 1].isEmpty {
        result.append([])
      }
    }
    return result.filter { !$0.isEmpty }
  }

  func draw(_ s: LineSeries, in panel: PanelLayout) {
    let color = s.color ?? Palette.series(0)
    if let band = s.band {
      let upper = zip(s.y, band).map { $0 + abs($1) }
      let lower = zip(s.y, band).map { $0 - abs($1) }
      for (top, bottom) in zip(runs(s.x, upper, in: panel), runs(s.x, lower, in: panel)) {
        guard let first = top.first else { continue }
        cairo_move_to(cr, first.x, first.y)
        for p in top.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        for p in bottom.reversed() { cairo_line_to(cr, p.x, p.y) }
        cairo_close_path(cr)
      }
      setColor(color.withAlpha(color.alpha * s.bandAlpha))
      cairo_fill(cr)
    }
    if s.width > 0 {
      for run in runs(s.x, s.y, in: panel) {
        guard let first = run.first else { continue }
        cairo_move_to(cr, first.x, first.y)
        for p in run.dropFirst() { cairo_line_to(cr, p.x, p.y) }
      }
      strokeLine(color: color, width: s.width, dash: s.dash)
    }
    if s.marker != .none {
      for run in runs(s.x, s.y, in: panel) {
        for p in run {
          drawMarker(s.marker, x: p.x, y: p.y, size: s.markerSize, fill: color, edge: .white)
        }
      }
    }
  }

  func draw(_ r: Rule, in panel: PanelLayout) {
    let plot = panel.plot
    switch r.direction {
    case .horizontal:
      let y = panel.point(1, r.value).y
      guard y.isFinite else { return }
      cairo_move_to(cr, plot.minX, y)
      cairo_line_to(cr, plot.maxX, y)
    case .vertical:
      let x = panel.point(r.value, 1).x
      guard x.isFinite else { return }
      cairo_move_to(cr, x, plot.minY)
      cairo_line_to(cr, x, plot.maxY)
    }
    strokeLine(color: r.color, width: r.width, dash: r.dash)
  }

  func strokeLine(color: Color, width: Double, dash: Dash) {
    setColor(color)
    cairo_set_line_width(cr, width)
    setDash(dash, width: width)
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    cairo_stroke(cr)
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
  }

  func draw(_ s: BarSeries, in panel: PanelLayout) {
    let color = s.color ?? Palette.series(0)
    for i in s.left.indices where i < s.right.count && i < s.top.count && i < s.bottom.count {
      let a = point(s.left[i], s.bottom[i], in: panel)
      let b = point(s.right[i], s.top[i], in: panel)
      guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
      let rect = Rect(
        x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y))
      guard rect.height > 0, rect.width > 0 else { continue }
      fillRect(rect, color: color, hatch: s.hatch, hatchColor: s.hatchColor ?? s.edgeColor)
      if let edge = s.edgeColor, s.edgeWidth > 0 {
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        strokeLine(color: edge, width: s.edgeWidth, dash: .solid)
      }
    }
  }

  /// Fills `rect` with `color`, then lays hatching over it when asked.
  func fillRect(_ rect: Rect, color: Color, hatch: Hatch?, hatchColor: Color?) {
    cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
    setColor(color)
    cairo_fill(cr)
    guard let hatch else { return }
    cairo_save(cr)
    cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
    cairo_clip(cr)
    let spacing = 4.5
    let span = rect.width + rect.height
    var offset = 0.0
    while offset <= span + spacing {
      if hatch != .backward {
        cairo_move_to(cr, rect.minX + offset - rect.height, rect.maxY)
        cairo_line_to(cr, rect.minX + offset, rect.minY)
      }
      if hatch != .forward {
        cairo_move_to(cr, rect.minX + offset - rect.height, rect.minY)
        cairo_line_to(cr, rect.minX + offset, rect.maxY)
      }
      offset += spacing
    }
    strokeLine(color: hatchColor ?? color.withAlpha(1), width: 0.7, dash: .solid)
    cairo_restore(cr)
  }

  func draw(_ s: HistogramSeries, in panel: PanelLayout) {
    let color = s.color ?? Palette.series(0)
    guard s.edges.count == s.values.count + 1, !s.values.isEmpty else { return }
    var outline: [(x: Double, y: Double)] = [point(s.edges[0], 0, in: panel)]
    for i in s.values.indices {
      outline.append(point(s.edges[i], s.values[i], in: panel))
      outline.append(point(s.edges[i + 1], s.values[i], in: panel))
    }
    outline.append(point(s.edges[s.values.count], 0, in: panel))
    let finite = outline.filter { $0.x.isFinite && $0.y.isFinite }
    guard let first = finite.first else { return }
    cairo_move_to(cr, first.x, first.y)
    for p in finite.dropFirst() { cairo_line_to(cr, p.x, p.y) }
    cairo_close_path(cr)
    setColor(color.withAlpha(color.alpha * s.fillAlpha))
    cairo_fill_preserve(cr)
    cairo_new_path(cr)
    cairo_move_to(cr, first.x, first.y)
    for p in finite.dropFirst() { cairo_line_to(cr, p.x, p.y) }
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
    setColor(color)
    cairo_set_line_width(cr, s.lineWidth)
    setDash(.solid, width: s.lineWidth)
    cairo_stroke(cr)
  }

  func draw(_ s: ScatterSeries, in panel: PanelLayout) {
    let color = (s.color ?? Palette.series(0))
    let fill = color.withAlpha(color.alpha * s.alpha)
    for i in s.x.indices where i < s.y.count {
      let p = panel.point(s.x[i], s.y[i])
      guard p.x.isFinite, p.y.isFinite else { continue }
      drawMarker(
        s.marker == .none ? .circle : s.marker, x: p.x, y: p.y, size: s.size,
        fill: fill, edge: nil)
    }
  }

  func draw(_ m: ImageMark, in panel: PanelLayout) {
    guard m.image.width > 0, m.image.height > 0 else { return }
    let a = panel.point(m.x0, m.y1)
    let b = panel.point(m.x1, m.y0)
    guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return }
    let left = (min(a.x, b.x) * scale).rounded() / scale
    let top = (min(a.y, b.y) * scale).rounded() / scale
    let right = (max(a.x, b.x) * scale).rounded() / scale
    let bottom = (max(a.y, b.y) * scale).rounded() / scale
    var image = m.image
    if embedsUpscaledImages {
      let perPixel = (right - left) / Double(image.width)
      image = image.upscaled(by: min(max(Int((4 * perPixel).rounded(.up)), 1), 16))
    }
    guard right > left, bottom > top, let surface = imageSurface(image) else { return }
    defer { cairo_surface_destroy(surface) }
    cairo_save(cr)
    cairo_rectangle(cr, left, top, right - left, bottom - top)
    cairo_clip(cr)
    cairo_translate(cr, left, top)
    cairo_scale(cr, (right - left) / Double(image.width), (bottom - top) / Double(image.height))
    cairo_set_source_surface(cr, surface, 0, 0)
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
    cairo_paint(cr)
    cairo_restore(cr)
  }

  /// A Cairo image surface holding `image` (premultiplied native-endian ARGB).
  func imageSurface(_ image: RasterImage) -> OpaquePointer? {
    guard
      let surface = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, Int32(image.width), Int32(image.height)),
      let data = cairo_image_surface_get_data(surface)
    else { return nil }
    cairo_surface_flush(surface)
    let stride = Int(cairo_image_surface_get_stride(surface)) / 4
    data.withMemoryRebound(to: UInt32.self, capacity: stride * image.height) { words in
      for y in 0..<image.height {
        for x in 0..<image.width {
          let i = (y * image.width + x) * 4
          let a = UInt32(image.pixels[i + 3])
          func channel(_ v: UInt8) -> UInt32 { (UInt32(v) * a + 127) / 255 }
          words[y * stride + x] =
            a << 24 | channel(image.pixels[i]) << 16 | channel(image.pixels[i + 1]) << 8
            | channel(image.pixels[i + 2])
        }
      }
    }
    cairo_surface_mark_dirty(surface)
    return surface
  }
}

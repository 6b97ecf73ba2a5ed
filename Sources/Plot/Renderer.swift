import CCairo
import Foundation

/// The output formats, chosen by the file extension.
public enum FigureFormat: String, Sendable, CaseIterable {
  case png, svg, pdf

  /// The format `path`'s extension names (case-insensitive), and the path to write: a path
  /// without an extension is PNG and gets ".png" appended.
  /// - Throws: `PlotError.unsupportedFormat` for any other extension.
  public static func resolve(_ path: String) throws(PlotError) -> (FigureFormat, path: String) {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
      return (.png, path + ".png")
    }
    let ext = String(name[name.index(after: dot)...]).lowercased()
    guard let format = FigureFormat(rawValue: ext) else {
      throw .unsupportedFormat(path: path, fileExtension: ext)
    }
    return (format, path)
  }
}

extension Figure {
  /// Writes the figure to `path` atomically, in the format its extension names.
  ///
  /// PNG output is deterministic: the same figure and dpi give the same bytes (no time or
  /// text chunks). PDF output carries a fixed creation date (2000-01-01) for the same reason.
  /// - Parameters:
  ///   - path: ends in .png, .svg or .pdf; without an extension, ".png" is appended.
  ///   - dpi: PNG resolution; the image is `width · dpi / 72` × `height · dpi / 72` pixels.
  ///     Vector formats are sized in points and ignore it.
  /// - Returns: the path written (with ".png" appended where there was no extension).
  /// - Throws: `PlotError` for invalid figure data, an unknown extension or a failed write.
  @discardableResult
  public func write(to path: String, dpi: Double = 100) throws(PlotError) -> String {
    try validate()
    let (format, target) = try FigureFormat.resolve(path)
    switch format {
    case .png:
      try PNGFile.write(rasterize(dpi: dpi), to: target)
    case .svg, .pdf:
      let bytes = try vectorBytes(format, reportingAs: target)
      try AtomicFile.write(target) { (temporary: String) throws(PlotError) in
        try AtomicFile.writeBytes(bytes, to: temporary, reportingAs: target)
      }
    }
    return target
  }

  /// The figure drawn into pixels: `round(width · dpi / 72)` × `round(height · dpi / 72)`.
  /// - Throws: `PlotError.invalidArgument` for a dpi outside 10…1200; `cairo` on failure.
  public func rasterize(dpi: Double = 100) throws(PlotError) -> RasterImage {
    try validate()
    try PlotError.check(dpi >= 10 && dpi <= 1200, "dpi", "\(dpi)", expected: "10…1200")
    let scale = dpi / 72
    let w = Int((width * scale).rounded())
    let h = Int((height * scale).rounded())
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h))
    else { throw .cairo(path: "<image>", status: "cannot create a \(w)×\(h) image") }
    defer { cairo_surface_destroy(surface) }
    try Renderer.checkStatus(surface, path: "<image>")
    try draw(on: surface, scale: scale, path: "<image>")
    cairo_surface_flush(surface)
    return Renderer.pixels(of: surface, width: w, height: h)
  }

  /// Lays the figure out and renders it onto `surface`, scaled by `scale` device units per point.
  func draw(on surface: OpaquePointer, scale: Double, path: String) throws(PlotError) {
    guard let cr = cairo_create(surface) else { throw .cairo(path: path, status: "no context") }
    defer { cairo_destroy(cr) }
    let measurer = CairoTextMeasurer()
    let layout = Layout.make(self, measurer: measurer)
    cairo_scale(cr, scale, scale)
    let embedsUpscaled = cairo_surface_get_type(surface) == CAIRO_SURFACE_TYPE_SVG
    Renderer(cr: cr, scale: scale, measurer: measurer, embedsUpscaledImages: embedsUpscaled)
      .draw(self, layout: layout)
    let status = cairo_status(cr)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw .cairo(path: path, status: String(cString: cairo_status_to_string(status)))
    }
  }
}

/// The one place where figures become Cairo calls. Coordinates are points; `scale` converts
/// them to device units (pixels for PNG, 1 for vector output) for snapping crisp lines.
struct Renderer {
  let cr: OpaquePointer
  let scale: Double
  let measurer: CairoTextMeasurer

  /// Embed images upscaled (nearest-neighbour, about 4 pixels per point) because the output
  /// format lets viewers smooth them (SVG; PDF marks images /Interpolate false instead).
  let embedsUpscaledImages: Bool

  init(
    cr: OpaquePointer, scale: Double, measurer: CairoTextMeasurer, embedsUpscaledImages: Bool
  ) {
    self.cr = cr
    self.scale = scale
    self.measurer = measurer
    self.embedsUpscaledImages = embedsUpscaledImages
    Renderer.configureText(cr)
  }

  /// Background, panels, figure legend and title, in that order.
  func draw(_ figure: Figure, layout: FigureLayout) {
    setColor(figure.background)
    cairo_paint(cr)
    for panel in layout.panels { draw(panel) }
    if let legend = layout.legend { draw(legend) }
    if let title = layout.title {
      text(
        title.text, x: title.x, y: title.y, size: Style.figureTitleFont, bold: true,
        align: 0.5)
    }
  }

  /// Grayscale antialiasing, no hinting, unhinted metrics: text looks and measures the same
  /// at every scale and on every machine with the same fonts.
  static func configureText(_ cr: OpaquePointer) {
    guard let options = cairo_font_options_create() else { return }
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_set_font_options(cr, options)
    cairo_font_options_destroy(options)
  }

  static func checkStatus(_ surface: OpaquePointer, path: String) throws(PlotError) {
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw .cairo(path: path, status: String(cString: cairo_status_to_string(status)))
    }
  }

  /// The surface's premultiplied native-endian ARGB words as straight-alpha RGBA bytes.
  static func pixels(of surface: OpaquePointer, width: Int, height: Int) -> RasterImage {
    var rgba = [UInt8](repeating: 0, count: width * height * 4)
    let stride = Int(cairo_image_surface_get_stride(surface))
    guard let data = cairo_image_surface_get_data(surface) else {
      return RasterImage(width: width, height: height)
    }
    data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
      for y in 0..<height {
        for x in 0..<width {
          let argb = words[y * stride / 4 + x]
          let a = (argb >> 24) & 0xFF
          let o = (y * width + x) * 4
          rgba[o] = unpremultiply((argb >> 16) & 0xFF, a)
          rgba[o + 1] = unpremultiply((argb >> 8) & 0xFF, a)
          rgba[o + 2] = unpremultiply(argb & 0xFF, a)
          rgba[o + 3] = UInt8(a)
        }
      }
    }
    return (try? RasterImage(width: width, height: height, pixels: rgba))
      ?? RasterImage(width: width, height: height)
  }

  /// A premultiplied channel value `v` (0…a) as a straight 0…255 value.
  private static func unpremultiply(_ v: UInt32, _ a: UInt32) -> UInt8 {
    a == 255 ? UInt8(v) : a == 0 ? 0 : UInt8(min(255, (v * 255 + a / 2) / a))
  }
}

/// Text widths from Cairo's toy text API on a 1 × 1 scratch surface, with the renderer's font
/// options (unhinted metrics, so widths do not depend on the output scale).
final class CairoTextMeasurer: TextMeasurer {
  private let surface: OpaquePointer?
  private let cr: OpaquePointer?
  private var cache: [String: Double] = [:]

  init() {
    surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1)
    cr = surface.flatMap { cairo_create($0) }
    if let cr { Renderer.configureText(cr) }
  }

  deinit {
    if let cr { cairo_destroy(cr) }
    if let surface { cairo_surface_destroy(surface) }
  }

  func width(of text: String, size: Double, bold: Bool) -> Double {
    let key = "\(size)|\(bold)|\(text)"
    if let known = cache[key] { return known }
    guard let cr else { return Double(text.count) * size * 0.6 }
    Renderer.selectFont(cr, size: size, bold: bold)
    var extents = cairo_text_extents_t()
    cairo_text_extents(cr, text, &extents)
    cache[key] = extents.x_advance
    return extents.x_advance
  }
}

import CCairo
import Foundation

extension Figure {
  /// The figure as SVG or PDF bytes, made reproducible: PDF gets a fixed creation and
  /// modification date, and SVG ids that Cairo numbers process-wide are renumbered.
  func vectorBytes(_ format: FigureFormat, reportingAs path: String) throws(PlotError) -> [UInt8] {
    let sink = ByteSink()
    let closure = Unmanaged.passUnretained(sink).toOpaque()
    let surface: OpaquePointer?
    switch format {
    case .svg: surface = cairo_svg_surface_create_for_stream(ByteSink.write, closure, width, height)
    case .pdf, .png:
      surface = cairo_pdf_surface_create_for_stream(ByteSink.write, closure, width, height)
    }
    guard let surface else { throw .cairo(path: path, status: "cannot create surface") }
    defer { cairo_surface_destroy(surface) }
    try Renderer.checkStatus(surface, path: path)
    if format == .pdf {
      let fixed = "2000-01-01T00:00:00Z"
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, fixed)
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, fixed)
      if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
    }
    try draw(on: surface, scale: 1, path: path)
    cairo_surface_finish(surface)
    try Renderer.checkStatus(surface, path: path)
    return format == .svg ? SVGCleanup.apply(sink.bytes) : sink.bytes
  }
}

/// Collects the bytes Cairo writes to a stream surface.
final class ByteSink {
  var bytes: [UInt8] = []

  /// Cairo's write callback; `closure` is an unretained `ByteSink`.
  static let write: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
  }
}

/// Two fixes to Cairo 1.16's SVG output.
///
/// 1. Groups and images are named after process-wide surface serial numbers (`surface47`,
///    `image65`), so the same figure drawn twice in one process differs. Each such id is
///    renumbered by order of first appearance (`surface1`, `image1`, …).
/// 2. Images carry no `image-rendering`, so viewers smooth small images; every `<image` gets
///    nearest-neighbour rendering, as in PNG and PDF output.
enum SVGCleanup {
  static let prefixes = ["surface", "image"].map { Array($0.utf8) }
  static let imageTag = Array("<image ".utf8)
  static let pixelated = Array(
    "image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" ".utf8)

  static func apply(_ svg: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(svg.count)
    var numbering: [[UInt8]: [String: Int]] = [:]
    var i = 0
    while i < svg.count {
      if svg[i] == UInt8(ascii: "<") && svg[i...].starts(with: imageTag) {
        out += imageTag + pixelated
        i += imageTag.count
        continue
      }
      let quoteOrHash =
        i > 0 && (svg[i - 1] == UInt8(ascii: "\"") || svg[i - 1] == UInt8(ascii: "#"))
      if quoteOrHash, let prefix = prefixes.first(where: { svg[i...].starts(with: $0) }) {
        var end = i + prefix.count
        while end < svg.count && svg[end] >= UInt8(ascii: "0") && svg[end] <= UInt8(ascii: "9") {
          end += 1
        }
        if end > i + prefix.count {
          let number = String(decoding: svg[(i + prefix.count)..<end], as: UTF8.self)
          var table = numbering[prefix, default: [:]]
          let index = table[number] ?? (table.count + 1)
          table[number] = index
          numbering[prefix] = table
          out += prefix + Array(String(index).utf8)
          i = end
          continue
        }
      }
      out.append(svg[i])
      i += 1
    }
    return out
  }
}

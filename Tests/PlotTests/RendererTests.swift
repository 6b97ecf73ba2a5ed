import Foundation
import Testing

@testable import Plot

@Suite struct RendererTests {
  /// A small figure with every kind of mark, text and a legend.
  static var sampler: Figure {
    var axes = Axes(title: "Sampler", x: Axis("x"), y: Axis("y"))
    axes.add(
      .bars(BarSeries(left: [0, 1], right: [1, 2], top: [1, 2], label: "bars", hatch: .cross)))
    axes.add(
      .histogram(HistogramSeries(edges: [0, 1, 2, 3], values: [0.5, 1.5, 1], label: "hist")))
    axes.add(
      .line(
        LineSeries(
          x: [0, 1, 2, 3], y: [1, 2, 1.5, 2.5], label: "line", marker: .square,
          band: [0.2, 0.2, 0.3, 0.1])))
    axes.add(
      .scatter(ScatterSeries(x: [0.5, 2.5], y: [0.3, 0.4], label: "points", marker: .triangle)))
    axes.add(.rule(Rule(.horizontal, at: 1.8, label: "rule")))
    axes.add(.text(TextAnnotation("note", at: .fraction(x: 0.5, y: 0.1), boxed: true)))
    let checker = try? RasterImage(
      width: 2, height: 2,
      pixels: [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255])
    if let checker { axes.add(.image(ImageMark(checker, x0: 2, x1: 2.5, y0: 2, y1: 2.5))) }
    return Figure(width: 300, height: 200, axes)
  }

  @Test(arguments: [("png", "png"), ("svg", "svg"), ("pdf", "pdf"), ("PNG", "png"), ("", "png")])
  func formatComesFromTheExtension(ext: String, format: String) throws {
    let path = ext.isEmpty ? "/tmp/a" : "/tmp/a." + ext
    let resolved = try FigureFormat.resolve(path)
    #expect(resolved.0.rawValue == format)
    #expect(resolved.path == (ext.isEmpty ? "/tmp/a.png" : path))
  }

  @Test func unknownExtensionsAreRejected() {
    #expect(throws: PlotError.unsupportedFormat(path: "/tmp/f.jpg", fileExtension: "jpg")) {
      try Self.sampler.write(to: "/tmp/f.jpg")
    }
  }

  @Test func pngHasTheSizeTheDpiAsksFor() throws {
    try Support.withTemporaryDirectory { dir in
      for (dpi, size) in [(72.0, (300, 200)), (144.0, (600, 400)), (100.0, (417, 278))] {
        let path = try Self.sampler.write(to: dir + "/s.png", dpi: dpi)
        let image = try PNGFile.read(path)
        #expect(image.width == size.0 && image.height == size.1, "dpi \(dpi)")
      }
      #expect(try Support.listing(dir) == ["s.png"])
    }
  }

  @Test func renderingTwiceGivesIdenticalBytes() throws {
    try Support.withTemporaryDirectory { dir in
      for ext in ["png", "svg", "pdf"] {
        try Self.sampler.write(to: dir + "/a." + ext)
        try Self.sampler.write(to: dir + "/b." + ext)
        #expect(try Support.bytes(dir + "/a." + ext) == Support.bytes(dir + "/b." + ext), "\(ext)")
      }
    }
  }

  @Test func vectorFilesAreWellFormed() throws {
    try Support.withTemporaryDirectory { dir in
      try Self.sampler.write(to: dir + "/f.svg")
      try Self.sampler.write(to: dir + "/f.pdf")
      let svg = String(decoding: try Support.bytes(dir + "/f.svg"), as: UTF8.self)
      #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("</svg>"))
      #expect(svg.contains("width=\"300pt\" height=\"200pt\""))
      let pdf = try Support.bytes(dir + "/f.pdf")
      #expect(pdf.starts(with: Array("%PDF-".utf8)))
      let text = String(decoding: pdf, as: UTF8.self)
      #expect(text.contains("/CreationDate (20000101000000Z)"))
      #expect(text.hasSuffix("%%EOF\n"))
    }
  }

  @Test func svgIdsAreRenumberedAndImagesPixelated() {
    let svg =
      ##"<g id="surface47"><image id="image65" xlink:href="data:image/png;base64,AA"/>"##
      + ##"<use xlink:href="#image65"/><use xlink:href="#surface47"/><g id="surface9">"##
    let cleaned = String(decoding: SVGCleanup.apply(Array(svg.utf8)), as: UTF8.self)
    let expected =
      ##"<g id="surface1"><image image-rendering="optimizeSpeed" "##
      + ##"style="image-rendering:pixelated" id="image1" xlink:href="data:image/png;base64,AA"/>"##
      + ##"<use xlink:href="#image1"/><use xlink:href="#surface1"/><g id="surface2">"##
    #expect(cleaned == expected)
  }

  @Test func rasterizeDrawsInkOnAWhiteBackground() throws {
    let image = try Self.sampler.rasterize(dpi: 72)
    #expect(image.pixel(x: 0, y: 0) == [255, 255, 255, 255])
    #expect(image.inkFraction > 0.1 && image.inkFraction < 0.8)
    // The default first series colour (Okabe–Ito blue) fills the bars.
    #expect(image.count(near: Palette.series(0), tolerance: 10) > 100)
  }

  @Test func emptyFiguresStillRender() throws {
    let image = try Figure(width: 100, height: 80, Axes()).rasterize(dpi: 72)
    #expect(image.width == 100 && image.inkFraction > 0)
  }

  @Test func nonFiniteDataIsSkipped() throws {
    let axes = Axes(marks: [
      .line(LineSeries(x: [0, 1, .nan, 3, 4], y: [1, .infinity, 2, 3, 1], marker: .circle)),
      .scatter(ScatterSeries(x: [.nan, 1], y: [1, .nan])),
    ])
    let image = try Figure(width: 120, height: 90, axes).rasterize(dpi: 72)
    #expect(image.inkFraction > 0)
  }

  @Test func logAxesDropNonPositiveValues() throws {
    let axes = Axes(
      x: Axis(scale: .log), y: Axis(scale: .log),
      marks: [.line(LineSeries(x: [-1, 0, 1, 10, 100], y: [0, 1, 10, 100, 1000]))])
    #expect(try Figure(width: 150, height: 100, axes).rasterize(dpi: 72).inkFraction > 0)
  }

  @Test func invalidFiguresThrowBeforeDrawing() {
    let bad = Axes(marks: [.line(LineSeries(x: [0, 1, 2], y: [0, 1]))])
    #expect(throws: PlotError.lengthMismatch(what: "panel 0 mark 0 y", expected: 3, found: 2)) {
      try Figure(bad).rasterize()
    }
    #expect(throws: PlotError.self) { try Figure(width: 0, height: 10, Axes()).rasterize() }
    #expect(throws: PlotError.self) { try Figure(Axes()).rasterize(dpi: 5) }
    #expect(throws: PlotError.self) {
      try Figure(rows: 1, columns: 1, panels: [Axes(), Axes()]).rasterize()
    }
  }

  @Test func aMissingDirectoryIsReportedForEveryFormat() {
    for ext in ["png", "svg", "pdf"] {
      let path = "/nonexistent-ddcal-dir/f." + ext
      let error = #expect(throws: PlotError.self) { try Self.sampler.write(to: path) }
      #expect(error?.description.contains("/nonexistent-ddcal-dir/f") == true, "\(ext)")
    }
  }
}

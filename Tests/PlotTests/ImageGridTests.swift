import TensorCore
import Testing

@testable import Plot

@Suite struct ImageGridTests {
  @Test func selectsTheFirstImagesOfEachClass() throws {
    let rows = try ImageGrid.select(labels: [1, 0, 1, 1, 2, 0], classCount: 4, perClass: 2)
    #expect(rows == [[1, 5], [0, 2], [4], []])
    #expect(throws: PlotError.self) {
      try ImageGrid.select(labels: [4], classCount: 4, perClass: 1)
    }
  }

  @Test func defaultUpscaleMakesSmallImagesAbout96PixelsAcross() {
    #expect(ImageGrid.defaultUpscale(height: 28, width: 28) == 3)
    #expect(ImageGrid.defaultUpscale(height: 32, width: 32) == 3)
    #expect(ImageGrid.defaultUpscale(height: 64, width: 64) == 1)
  }

  @Test func matchesGolden() throws {
    let (images, labels) = Fixtures.shapes(perClass: 4)
    let figure = try Figure.imageGrid(
      images, labels: labels, classNames: Fixtures.shapeClasses, perClass: 4)
    try Support.checkGolden(figure, name: "imageGrid")
  }

  @Test func pixelsStaySharpAtTheDefaultDpi() throws {
    // Flat-coloured 8 × 8 images, upscaled 3×: each cell shows 24 × 24 exact pixels.
    let (images, labels, colours) = Fixtures.flatColours
    let figure = try Figure.imageGrid(
      images, labels: labels, classNames: ["warm", "cool"], perClass: 2, mapping: .clamp,
      upscale: 3)
    let image = try figure.rasterize(dpi: 100)
    for colour in colours {
      #expect(image.count(near: colour, tolerance: 1) == 24 * 24, "\(colour)")
    }
  }

  @Test func rawGridHasNoDecorations() throws {
    let (images, labels, colours) = Fixtures.flatColours
    let grid = try ImageGrid.raster(
      images, labels: labels, classCount: 2, perClass: 2, mapping: .clamp, upscale: 2, padding: 1)
    #expect(grid.width == 2 * 17 + 1 && grid.height == 2 * 17 + 1)
    #expect(grid.pixel(x: 0, y: 0) == [255, 255, 255, 255])
    let first = RasterImage.bytes(colours[0])
    #expect(grid.pixel(x: 1, y: 1) == [first.0, first.1, first.2, 255])
    let last = RasterImage.bytes(colours[3])
    #expect(grid.pixel(x: 33, y: 33) == [last.0, last.1, last.2, 255])
    #expect(grid.pixel(x: 34, y: 34) == [255, 255, 255, 255])
    try Support.withTemporaryDirectory { dir in
      try PNGFile.write(grid, to: dir + "/grid.png")
      #expect(try PNGFile.read(dir + "/grid.png") == grid)
    }
  }

  @Test func rgbAndGreyBothWork() throws {
    let (grey, labels) = Fixtures.shapes(perClass: 1)
    let rgb = NDArray(shape: [5, 3, 28, 28], data: grey.data + grey.data + grey.data)
    let classes = Fixtures.shapeClasses
    for batch in [grey, rgb] {
      let figure = try Figure.imageGrid(batch, labels: labels, classNames: classes, perClass: 1)
      #expect(try figure.rasterize(dpi: 50).inkFraction > 0.1)
    }
  }

  @Test func badBatchesAreRejected() {
    let names = ["a"]
    #expect(throws: PlotError.self) {
      try Figure.imageGrid(
        NDArray.zeros([2, 2, 4, 4]), labels: [0, 0], classNames: names, perClass: 1)
    }
    #expect(throws: PlotError.lengthMismatch(what: "image labels", expected: 2, found: 1)) {
      try Figure.imageGrid(
        NDArray.zeros([2, 1, 4, 4]), labels: [0], classNames: names, perClass: 1)
    }
    #expect(throws: PlotError.self) {
      try Figure.imageGrid(
        NDArray.zeros([1, 1, 4, 4]), labels: [0], classNames: names, perClass: 0)
    }
  }
}

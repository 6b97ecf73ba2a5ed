import TensorCore
import Testing

@testable import Plot

@Suite struct RasterImageTests {
  @Test func greyImagesUseMinMaxPerImage() throws {
    let image = try RasterImage(NDArray(shape: [1, 1, 3], data: [-2, 0, 2]))
    #expect(image.width == 3 && image.height == 1)
    #expect(image.pixel(x: 0, y: 0) == [0, 0, 0, 255])
    #expect(image.pixel(x: 1, y: 0) == [128, 128, 128, 255])
    #expect(image.pixel(x: 2, y: 0) == [255, 255, 255, 255])
  }

  @Test func rankTwoArraysAreGrey() throws {
    let image = try RasterImage(NDArray(shape: [2, 2], data: [0, 1, 1, 0]), mapping: .clamp)
    #expect(image.pixel(x: 1, y: 0) == [255, 255, 255, 255])
    #expect(image.pixel(x: 1, y: 1) == [0, 0, 0, 255])
  }

  @Test func constantImagesAreMidGrey() throws {
    let image = try RasterImage(NDArray(repeating: 3, shape: [1, 2, 2]))
    #expect(image.pixel(x: 1, y: 1) == [128, 128, 128, 255])
  }

  @Test func denormalizeUndoesPerChannelStandardisation() throws {
    // Channel planes of a 1 × 1 RGB image: normalised values (v − mean) / std.
    let mean: [Float] = [0.5, 0.25, 0.75]
    let std: [Float] = [0.25, 0.5, 0.25]
    let original: [Float] = [1, 0.25, 0.5]
    let normalised = (0..<3).map { (original[$0] - mean[$0]) / std[$0] }
    let image = try RasterImage(
      NDArray(shape: [3, 1, 1], data: normalised), mapping: .denormalize(mean: mean, std: std))
    #expect(image.pixel(x: 0, y: 0) == [255, 64, 128, 255])
  }

  @Test func clampLimitsToTheUnitRange() throws {
    let image = try RasterImage(NDArray(shape: [3, 1, 1], data: [-1, 0.5, 9]), mapping: .clamp)
    #expect(image.pixel(x: 0, y: 0) == [0, 128, 255, 255])
  }

  @Test func nonFiniteValuesBecomeBlack() throws {
    let image = try RasterImage(NDArray(shape: [1, 1, 3], data: [.nan, 0, 1]))
    #expect(image.pixel(x: 0, y: 0) == [0, 0, 0, 255])
    #expect(image.pixel(x: 2, y: 0) == [255, 255, 255, 255])
  }

  @Test(arguments: [[2, 3, 4, 4], [4, 4, 4], [5]])
  func otherShapesAreRejected(shape: [Int]) {
    let array = NDArray.zeros(shape)
    #expect(throws: PlotError.self) { try RasterImage(array) }
  }

  @Test func denormalizeNeedsOneStatisticPerChannel() {
    let error = #expect(throws: PlotError.self) {
      try RasterImage(NDArray.zeros([3, 2, 2]), mapping: .denormalize(mean: [0], std: [1]))
    }
    #expect(error == .lengthMismatch(what: "denormalize mean", expected: 3, found: 1))
  }

  @Test func pixelCountMustMatchTheSize() {
    #expect(throws: PlotError.lengthMismatch(what: "RGBA pixels", expected: 16, found: 3)) {
      try RasterImage(width: 2, height: 2, pixels: [1, 2, 3])
    }
  }

  @Test func upscalingRepeatsEachPixel() throws {
    let image = try RasterImage(width: 2, height: 1, pixels: [255, 0, 0, 255, 0, 0, 255, 255])
    let big = image.upscaled(by: 3)
    #expect(big.width == 6 && big.height == 3)
    #expect(big.pixel(x: 2, y: 2) == [255, 0, 0, 255])
    #expect(big.pixel(x: 3, y: 0) == [0, 0, 255, 255])
    #expect(image.upscaled(by: 1) == image)
  }

  @Test func pasteClipsAtTheEdges() {
    var canvas = RasterImage(width: 3, height: 3, color: .white)
    canvas.paste(RasterImage(width: 2, height: 2, color: .black), x: 2, y: -1)
    #expect(canvas.pixel(x: 2, y: 0) == [0, 0, 0, 255])
    #expect(canvas.pixel(x: 2, y: 1) == [255, 255, 255, 255])
    #expect(canvas.pixel(x: 1, y: 0) == [255, 255, 255, 255])
  }
}

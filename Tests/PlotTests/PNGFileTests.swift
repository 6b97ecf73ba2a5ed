import Foundation
import TensorCore
import Testing

@testable import Plot

@Suite struct PNGFileTests {
  static func gradient(width: Int, height: Int, alpha: UInt8 = 255) throws -> RasterImage {
    var pixels: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width {
        pixels += [
          UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), 77, alpha,
        ]
      }
    }
    return try RasterImage(width: width, height: height, pixels: pixels)
  }

  @Test(arguments: [UInt8(255), 128])
  func roundTripsPixelsExactly(alpha: UInt8) throws {
    let image = try Self.gradient(width: 17, height: 9, alpha: alpha)
    try Support.withTemporaryDirectory { dir in
      try PNGFile.write(image, to: dir + "/g.png")
      #expect(try PNGFile.read(dir + "/g.png") == image)
      #expect(try Support.listing(dir) == ["g.png"])
      let bytes = try Support.bytes(dir + "/g.png")
      #expect(bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
      #expect(bytes[25] == (alpha == 255 ? 2 : 6), "colour type RGB when opaque, else RGBA")
    }
  }

  @Test func writingTwiceGivesIdenticalBytes() throws {
    let image = try Self.gradient(width: 40, height: 30)
    try Support.withTemporaryDirectory { dir in
      try PNGFile.write(image, to: dir + "/a.png")
      try PNGFile.write(image, to: dir + "/b.png")
      #expect(try Support.bytes(dir + "/a.png") == Support.bytes(dir + "/b.png"))
    }
  }

  @Test func overwritingReplacesTheFileAtomically() throws {
    try Support.withTemporaryDirectory { dir in
      try PNGFile.write(RasterImage(width: 4, height: 4, color: .black), to: dir + "/x.png")
      try PNGFile.write(RasterImage(width: 2, height: 3, color: .white), to: dir + "/x.png")
      let image = try PNGFile.read(dir + "/x.png")
      #expect(
        image.width == 2 && image.height == 3 && image.pixel(x: 1, y: 2) == [255, 255, 255, 255])
      #expect(try Support.listing(dir) == ["x.png"])
    }
  }

  @Test func aMissingDirectoryIsAWriteError() throws {
    let path = "/nonexistent-ddcal-dir/x.png"
    let error = #expect(throws: PlotError.self) {
      try PNGFile.write(RasterImage(width: 2, height: 2), to: path)
    }
    guard case .writeFailed(let reported, _) = error else {
      Issue.record("expected writeFailed, got \(String(describing: error))")
      return
    }
    #expect(reported == path)
  }

  @Test func emptyImagesAreRejected() {
    #expect(throws: PlotError.self) {
      try PNGFile.write(RasterImage(width: 0, height: 3), to: "/tmp/e.png")
    }
  }

  @Test func readingANonPNGReportsThePath() throws {
    try Support.withTemporaryDirectory { dir in
      let path = dir + "/not.png"
      try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
      let error = #expect(throws: PlotError.self) { try PNGFile.read(path) }
      guard case .readFailed(let reported, let reason) = error else {
        Issue.record("expected readFailed, got \(String(describing: error))")
        return
      }
      #expect(reported == path && !reason.isEmpty)
      #expect(error?.description.hasPrefix(path + ": cannot read PNG") == true)
    }
  }

  @Test func tensorImagesExportWithoutDecorations() throws {
    let image = NDArray(shape: [1, 2, 2], data: [0, 1, 1, 0])
    try Support.withTemporaryDirectory { dir in
      try PNGFile.write(image, mapping: .clamp, upscale: 3, to: dir + "/one.png")
      let read = try PNGFile.read(dir + "/one.png")
      #expect(read.width == 6 && read.height == 6)
      #expect(
        read.pixel(x: 2, y: 2) == [0, 0, 0, 255] && read.pixel(x: 3, y: 0) == [255, 255, 255, 255])
    }
    #expect(throws: PlotError.self) { try PNGFile.write(image, upscale: 0, to: "/tmp/x.png") }
  }

  @Test func temporaryNamesSitBesideTheTargetAndDiffer() {
    let a = FileReplacement.temporaryPath(beside: "/a/b/c.png")
    let b = FileReplacement.temporaryPath(beside: "/a/b/c.png")
    #expect(a.hasPrefix("/a/b/.c.png.tmp-") && a != b)
    #expect(FileReplacement.temporaryPath(beside: "c.png").hasPrefix(".c.png.tmp-"))
  }
}

import Foundation
import Testing

@testable import Plot

/// Temporary directories, golden files and PNG read-back shared by the suites.
enum Support {
  /// `Tests/PlotTests/Golden`, found from this file's path (not bundled).
  static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden").path

  /// `Examples/figures` at the package root.
  static let examplesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Examples/figures").path

  static var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// Runs `body` with a fresh empty directory that is removed afterwards.
  @discardableResult
  static func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("ddcal-plot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
  }

  /// Reads `path` with Foundation (independent of the code under test).
  static func bytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Names in `directory`, sorted.
  static func listing(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
  }

  /// Writes `figure` as PNG at `dpi`, checks that it decodes at the expected size, compares
  /// its bytes with `Golden/<name>.png` and returns the decoded pixels.
  ///
  /// With `RECORD_GOLDENS=1` the golden is rewritten and the test fails, so a recording run
  /// never passes by accident.
  @discardableResult
  static func checkGolden(
    _ figure: Figure, name: String, dpi: Double = 40,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RasterImage {
    try withTemporaryDirectory { dir in
      let path = try figure.write(to: dir + "/\(name).png", dpi: dpi)
      let image = try PNGFile.read(path)
      #expect(
        image.width == Int((figure.width * dpi / 72).rounded()), sourceLocation: sourceLocation)
      #expect(
        image.height == Int((figure.height * dpi / 72).rounded()), sourceLocation: sourceLocation)
      let golden = goldenDirectory + "/\(name).png"
      let produced = try bytes(path)
      if environment["RECORD_GOLDENS"] == "1" {
        try Data(produced).write(to: URL(fileURLWithPath: golden))
        Issue.record(
          "recorded \(golden); run again without RECORD_GOLDENS", sourceLocation: sourceLocation)
      } else if !FileManager.default.fileExists(atPath: golden) {
        Issue.record(
          "missing golden \(golden); record it with RECORD_GOLDENS=1",
          sourceLocation: sourceLocation)
      } else {
        #expect(
          produced == (try bytes(golden)), "differs from \(golden)", sourceLocation: sourceLocation)
      }
      return image
    }
  }
}

// MARK: - Pixel statistics

extension RasterImage {
  /// How many pixels lie within `tolerance` (per channel) of `color`.
  func count(near color: Color, tolerance: Int = 8) -> Int {
    let (r, g, b, _) = RasterImage.bytes(color)
    var n = 0
    for i in stride(from: 0, to: pixels.count, by: 4)
    where abs(Int(pixels[i]) - Int(r)) <= tolerance && abs(Int(pixels[i + 1]) - Int(g)) <= tolerance
      && abs(Int(pixels[i + 2]) - Int(b)) <= tolerance
    {
      n += 1
    }
    return n
  }

  /// How many pixels look like `color` painted over white with coverage α ≥ `coverage`:
  /// (255 − pixel) = α (255 − color) per channel, within `tolerance`. Antialiased edges of
  /// thin lines count, which exact colour matches would miss at low dpi.
  func count(blendOf color: Color, coverage: Double = 0.6, tolerance: Double = 14) -> Int {
    let (r, g, b, _) = RasterImage.bytes(color)
    let (er, eg, eb) = (255 - Double(r), 255 - Double(g), 255 - Double(b))
    let norm = er * er + eg * eg + eb * eb
    guard norm > 0 else { return 0 }
    var n = 0
    for i in stride(from: 0, to: pixels.count, by: 4) {
      let dr = 255 - Double(pixels[i])
      let dg = 255 - Double(pixels[i + 1])
      let db = 255 - Double(pixels[i + 2])
      let alpha = (dr * er + dg * eg + db * eb) / norm
      guard alpha >= coverage && alpha <= 1.05 else { continue }
      if abs(dr - alpha * er) <= tolerance && abs(dg - alpha * eg) <= tolerance
        && abs(db - alpha * eb) <= tolerance
      {
        n += 1
      }
    }
    return n
  }

  /// How many pixels satisfy `predicate(r, g, b)`.
  func count(where predicate: (Int, Int, Int) -> Bool) -> Int {
    var n = 0
    for i in stride(from: 0, to: pixels.count, by: 4)
    where predicate(Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2])) {
      n += 1
    }
    return n
  }

  /// The fraction of pixels that are not white.
  var inkFraction: Double {
    Double(count { $0 < 250 || $1 < 250 || $2 < 250 }) / Double(max(width * height, 1))
  }
}

/// A small deterministic generator (64-bit LCG) for test data, independent of TensorCore.
struct TestRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// Uniform in [0, 1).
  mutating func uniform() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53)
  }

  /// Standard normal (Box–Muller).
  mutating func normal() -> Double {
    let u = max(uniform(), 1e-12)
    let v = uniform()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}

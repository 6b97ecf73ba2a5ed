import TensorCore

/// An 8-bit RGBA image (straight alpha), rows from the top: `pixels` is [height, width, 4].
public struct RasterImage: Sendable, Equatable {
  /// Pixels per row.
  public let width: Int
  /// Rows.
  public let height: Int
  /// Row-major bytes R, G, B, A for each pixel; `count == width · height · 4`.
  public private(set) var pixels: [UInt8]

  /// An image from its bytes.
  /// - Throws: `PlotError.lengthMismatch` unless `pixels.count == width · height · 4`;
  ///   `invalidArgument` for a negative size.
  public init(width: Int, height: Int, pixels: [UInt8]) throws(PlotError) {
    try PlotError.check(width >= 0 && height >= 0, "size", "\(width)×\(height)", expected: "≥ 0")
    try PlotError.checkLength("RGBA pixels", expected: width * height * 4, found: pixels.count)
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// A `width × height` image filled with `color`.
  public init(width: Int, height: Int, color: Color = .white) {
    self.width = max(width, 0)
    self.height = max(height, 0)
    let rgba = RasterImage.bytes(color)
    pixels = [UInt8](repeating: 0, count: self.width * self.height * 4)
    for i in stride(from: 0, to: pixels.count, by: 4) {
      pixels[i] = rgba.0
      pixels[i + 1] = rgba.1
      pixels[i + 2] = rgba.2
      pixels[i + 3] = rgba.3
    }
  }

  /// The four bytes of pixel (x, y), with (0, 0) the top-left corner.
  public func pixel(x: Int, y: Int) -> [UInt8] {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel outside the image")
    let i = (y * width + x) * 4
    return Array(pixels[i..<(i + 4)])
  }

  /// Each pixel repeated `factor × factor` times (nearest-neighbour upscaling).
  public func upscaled(by factor: Int) -> RasterImage {
    guard factor > 1 else { return self }
    var out = RasterImage(width: width * factor, height: height * factor, color: .white)
    for y in 0..<out.height {
      for x in 0..<out.width {
        let source = ((y / factor) * width + x / factor) * 4
        let target = (y * out.width + x) * 4
        for c in 0..<4 { out.pixels[target + c] = pixels[source + c] }
      }
    }
    return out
  }

  /// Copies `image` into this one with its top-left corner at (x, y), clipping at the edges.
  public mutating func paste(_ image: RasterImage, x: Int, y: Int) {
    for row in 0..<image.height where y + row >= 0 && y + row < height {
      for column in 0..<image.width where x + column >= 0 && x + column < width {
        let source = (row * image.width + column) * 4
        let target = ((y + row) * width + x + column) * 4
        for c in 0..<4 { pixels[target + c] = image.pixels[source + c] }
      }
    }
  }

  static func bytes(_ color: Color) -> (UInt8, UInt8, UInt8, UInt8) {
    func byte(_ v: Double) -> UInt8 { UInt8((v * 255).rounded()) }
    return (byte(color.red), byte(color.green), byte(color.blue), byte(color.alpha))
  }
}

// MARK: - From NDArray images

/// How an image tensor's values become display intensities in [0, 1].
public enum PixelMapping: Sendable, Equatable {
  /// Per image: (v − min) / (max − min) over all of its channels (a constant image is grey).
  case minMax
  /// Undo per-channel standardisation, v · std[c] + mean[c], then clamp to [0, 1].
  case denormalize(mean: [Float], std: [Float])
  /// Values are already intensities; clamp to [0, 1].
  case clamp
}

extension RasterImage {
  /// An opaque image from one tensor image [C, H, W] (C = 1 grey or 3 RGB).
  /// - Parameters:
  ///   - image: [C, H, W], or [H, W] for grey.
  ///   - mapping: how values become intensities.
  /// - Throws: `badShape` for other shapes; `lengthMismatch` when `denormalize` has the wrong
  ///   number of channel statistics.
  public init(_ image: NDArray, mapping: PixelMapping = .minMax) throws(PlotError) {
    let shape = image.rank == 2 ? [1] + image.shape : image.shape
    guard shape.count == 3, shape[0] == 1 || shape[0] == 3 else {
      throw .badShape(what: "image", expected: "[C, H, W] with C = 1 or 3", found: image.shape)
    }
    let (channels, h, w) = (shape[0], shape[1], shape[2])
    let values = try RasterImage.intensities(image.data, channels: channels, mapping: mapping)
    var bytes = [UInt8](repeating: 255, count: h * w * 4)
    for p in 0..<(h * w) {
      for c in 0..<3 {
        let v = values[(channels == 1 ? 0 : c) * h * w + p]
        bytes[p * 4 + c] = UInt8((v * 255).rounded())
      }
    }
    self.width = w
    self.height = h
    self.pixels = bytes
  }

  /// `data` ([C, H·W]) mapped to [0, 1]; non-finite values become 0.
  static func intensities(
    _ data: [Float], channels: Int, mapping: PixelMapping
  ) throws(PlotError) -> [Double] {
    let plane = channels == 0 ? 0 : data.count / channels
    switch mapping {
    case .minMax:
      let finite = data.filter { $0.isFinite }
      let low = Double(finite.min() ?? 0)
      let high = Double(finite.max() ?? 1)
      let span = high - low
      return data.map { v in
        guard v.isFinite else { return 0 }
        return span > 0 ? (Double(v) - low) / span : 0.5
      }
    case .denormalize(let mean, let std):
      try PlotError.checkLength("denormalize mean", expected: channels, found: mean.count)
      try PlotError.checkLength("denormalize std", expected: channels, found: std.count)
      return data.indices.map { i in
        let c = plane == 0 ? 0 : i / plane
        return Color.clamp(Double(data[i] * std[c] + mean[c]))
      }
    case .clamp:
      return data.map { Color.clamp(Double($0)) }
    }
  }
}

extension PNGFile {
  /// Writes one tensor image as an undecorated PNG (no axes, no text), atomically.
  /// - Parameters:
  ///   - image: [C, H, W] with C = 1 or 3, or [H, W].
  ///   - mapping: how values become intensities.
  ///   - upscale: nearest-neighbour factor (≥ 1).
  ///   - path: the destination.
  /// - Throws: `PlotError` for a bad shape or a failed write.
  public static func write(
    _ image: NDArray, mapping: PixelMapping = .minMax, upscale: Int = 1, to path: String
  ) throws(PlotError) {
    try PlotError.check(upscale >= 1, "upscale", "\(upscale)", expected: "≥ 1")
    try write(RasterImage(image, mapping: mapping).upscaled(by: upscale), to: path)
  }
}

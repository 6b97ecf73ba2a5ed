import TensorCore

/// A covariate shift of a dataset's images (labels kept): the out-of-distribution inputs of the
/// paper's Fig. 2b built from the dataset itself.
public enum ImageShift: String, Sendable, CaseIterable {
  /// Pixel p ↦ 1 − p in [0, 1] pixel scale (a negative image).
  case invert
  /// Each H × W plane rotated 90° counter-clockwise (square images only).
  case rot90
  /// Each plane upside down (rows reversed).
  case vflip
}

extension Dataset {
  /// The same images under `shift`, in the same normalisation, named "<name> (<shift>)".
  /// - Throws: `ShapeError.mismatch` for `rot90` on non-square images.
  public func shifted(_ shift: ImageShift) throws -> Dataset {
    let (h, w) = (imageShape[1], imageShape[2])
    var pixels = pixelImages()
    switch shift {
    case .invert:
      pixels = NDArray(shape: pixels.shape, data: pixels.data.map { 1 - $0 })
    case .rot90:
      guard h == w else {
        throw ShapeError.mismatch(op: "rot90", shape: imageShape, expected: "square images")
      }
      pixels = mapPlanes(pixels, h, w) { plane, out in
        for i in 0..<h {
          for j in 0..<w { out[(w - 1 - j) * w + i] = plane[plane.startIndex + i * w + j] }
        }
      }
    case .vflip:
      pixels = mapPlanes(pixels, h, w) { plane, out in
        for i in 0..<h {
          for j in 0..<w { out[(h - 1 - i) * w + j] = plane[plane.startIndex + i * w + j] }
        }
      }
    }
    var out = try replacingImages(try normalization.normalize(pixels))
    out.name = "\(name) (\(shift.rawValue))"
    return out
  }

  /// Applies `transform` to every H × W plane.
  private func mapPlanes(
    _ images: NDArray, _ h: Int, _ w: Int, _ transform: (ArraySlice<Float>, inout [Float]) -> Void
  ) -> NDArray {
    let size = h * w
    var data = [Float](repeating: 0, count: images.count)
    var plane = [Float](repeating: 0, count: size)
    for p in 0..<(size > 0 ? images.count / size : 0) {
      transform(images.data[(p * size)..<((p + 1) * size)], &plane)
      data.replaceSubrange((p * size)..<((p + 1) * size), with: plane)
    }
    return NDArray(shape: images.shape, data: data)
  }
}

import Foundation

/// Bilinear sampling of x [N, C, H, W] at grid [N, OH, OW, 2] (x then y, normalised to
/// [−1, 1]), zero outside the image — PyTorch's `grid_sample(mode: bilinear,
/// padding_mode: zeros)`. DSA's scale and rotate use it (docs/ALGORITHMS.md §4.2).
enum GridSampleKernel {
  /// Pixel coordinate of a normalised coordinate.
  @inline(__always)
  static func unnormalize(_ v: Float, _ size: Int, _ alignCorners: Bool) -> Float {
    alignCorners ? (v + 1) / 2 * Float(size - 1) : ((v + 1) * Float(size) - 1) / 2
  }

  /// Calls `visit(offset, weight)` for the (up to four) in-bounds taps of one sample point.
  @inline(__always)
  static func taps(
    _ gx: Float, _ gy: Float, _ h: Int, _ w: Int, _ alignCorners: Bool,
    _ visit: (Int, Float) -> Void
  ) {
    // NOTE: clamped to [−2, size + 1] so Int(floor(·)) cannot trap on huge coordinates; every
    // tap of a clamped point lies outside the image, exactly as for the original point.
    let px = min(max(unnormalize(gx, w, alignCorners), -2), Float(w + 1))
    let py = min(max(unnormalize(gy, h, alignCorners), -2), Float(h + 1))
    guard gx.isFinite, gy.isFinite else { return }
    let x0 = Int(floor(px))
    let y0 = Int(floor(py))
    let fx = px - Float(x0)
    let fy = py - Float(y0)
    // Four explicit taps: a tuple-array literal here would allocate on every sample point.
    let x1 = x0 + 1
    let y1 = y0 + 1
    let xIn0 = x0 >= 0 && x0 < w
    let xIn1 = x1 >= 0 && x1 < w
    if y0 >= 0 && y0 < h {
      if xIn0 { visit(y0 * w + x0, (1 - fy) * (1 - fx)) }
      if xIn1 { visit(y0 * w + x1, (1 - fy) * fx) }
    }
    if y1 >= 0 && y1 < h {
      if xIn0 { visit(y1 * w + x0, fy * (1 - fx)) }
      if xIn1 { visit(y1 * w + x1, fy * fx) }
    }
  }

  static func forward(_ x: NDArray, grid: NDArray, alignCorners: Bool) -> NDArray {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (grid.shape[1], grid.shape[2])
    let data = makeArray(count: n * c * oh * ow) { out in
      let o = SharedPointer(out.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        grid.data.withUnsafeBufferPointer { pg in
          Parallel.forEachRange(n, costPerItem: c * oh * ow * 8) { images in
            for image in images {
              for p in 0..<(oh * ow) {
                let gp = (image * oh * ow + p) * 2
                for channel in 0..<c { o[(image * c + channel) * oh * ow + p] = 0 }
                taps(pg[gp], pg[gp + 1], h, w, alignCorners) { offset, weight in
                  for channel in 0..<c {
                    o[(image * c + channel) * oh * ow + p] +=
                      weight * px[(image * c + channel) * h * w + offset]
                  }
                }
              }
            }
          }
        }
      }
    }
    return NDArray(shape: [n, c, oh, ow], data: data)
  }

  /// The adjoint in x: scatters g [N, C, OH, OW] back to [N, C, H, W] with the same weights.
  static func backward(_ g: NDArray, grid: NDArray, inputShape: [Int], alignCorners: Bool)
    -> NDArray
  {
    let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    let (oh, ow) = (grid.shape[1], grid.shape[2])
    var gx = NDArray.zeros(inputShape)
    gx.withUnsafeMutableBufferPointer { pgx in
      let o = SharedPointer(pgx.baseAddress!)
      g.data.withUnsafeBufferPointer { pgrad in
        grid.data.withUnsafeBufferPointer { pg in
          Parallel.forEachRange(n, costPerItem: c * oh * ow * 8) { images in
            for image in images {
              for p in 0..<(oh * ow) {
                let gp = (image * oh * ow + p) * 2
                taps(pg[gp], pg[gp + 1], h, w, alignCorners) { offset, weight in
                  for channel in 0..<c {
                    o[(image * c + channel) * h * w + offset] +=
                      weight * pgrad[(image * c + channel) * oh * ow + p]
                  }
                }
              }
            }
          }
        }
      }
    }
    return gx
  }
}

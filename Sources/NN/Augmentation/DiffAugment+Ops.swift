import Autodiff
import TensorCore

// MARK: - Colour (broadcast arithmetic with per-sample factors)

extension DiffAugment {
  /// Brightness, saturation, contrast in sequence on x [N, C, H, W], with per-sample factors
  /// b, s, c (one entry: shared by all samples):
  ///
  ///     x ← x + b
  ///     x ← (x − m₁)·s + m₁,  m₁ = mean over C (per pixel)
  ///     x ← (x − m₂)·c + m₂,  m₂ = mean over C, H, W (per sample)
  ///
  /// computed in the equal fused form (two full-size ops instead of seven): with m = mean_C(x)
  /// of the input, the first two steps give x·s + a, a = m·(1 − s) + b, and then
  /// m₂ = mean_{H,W}(m·s + a), so the result is x·(s·c) + (a·c + m₂·(1 − c)). The means are
  /// graph nodes of x, as in DSA.
  static func color(
    _ x: Tensor, brightness b: [Float], saturation s: [Float], contrast c: [Float]
  ) -> Tensor {
    func perSample(_ v: [Float]) -> Tensor { Tensor(NDArray(shape: [v.count, 1, 1, 1], data: v)) }
    let channelMean = x.mean(axes: [1], keepDims: true)
    let a = channelMean * perSample(s.map { 1 - $0 }) + perSample(b)
    let sampleMean = (channelMean * perSample(s) + a).mean(axes: [2, 3], keepDims: true)
    let offset = a * perSample(c) + sampleMean * perSample(c.map { 1 - $0 })
    return x * perSample(zip(s, c).map { $0 * $1 }) + offset
  }
}

// MARK: - Pixel moves (one gather with precomputed indices)

extension DiffAugment {
  /// out[n, ch, i, j] = x[n, ch, i + rowShift, j + columnShift], 0 where that lies outside:
  /// one `gatherFlat` (out-of-image taps read element 0) times a constant 0/1 mask [N, 1, H, W].
  static func crop(_ x: Tensor, rowShift: [Int], columnShift: [Int], draw: AugmentationDraw)
    -> Tensor
  {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    precondition(x.count <= Int(Int32.max), "DiffAugment: \(x.shape) too large for Int32 indices")
    var indices = [Int32](repeating: 0, count: x.count)
    var mask = [Float](repeating: 0, count: n * h * w)
    indices.withUnsafeMutableBufferPointer { index in
      mask.withUnsafeMutableBufferPointer { keep in
        for sample in 0..<n {
          let (dr, dc) = (rowShift[draw.slot(sample)], columnShift[draw.slot(sample)])
          let rows = clipped(-dr..<(h - dr), to: h)
          let columns = clipped(-dc..<(w - dc), to: w)
          for row in rows {
            for column in columns { keep[(sample * h + row) * w + column] = 1 }
          }
          // Within the kept block the source of flat index i is i + dr·W + dc.
          let offset = Int32(dr * w + dc)
          for plane in (sample * c)..<((sample + 1) * c) {
            for row in rows {
              let line = (plane * h + row) * w
              for i in (line + columns.lowerBound)..<(line + columns.upperBound) {
                index[i] = Int32(truncatingIfNeeded: i) &+ offset
              }
            }
          }
        }
      }
    }
    let moved = x.gatherFlat(indices, shape: x.shape)
    return moved * Tensor(NDArray(shape: [n, 1, h, w], data: mask))
  }

  /// Mirrors the width axis of the marked samples: one `gatherFlat`.
  static func flip(_ x: Tensor, mirrored: [Bool], draw: AugmentationDraw) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    precondition(x.count <= Int(Int32.max), "DiffAugment: \(x.shape) too large for Int32 indices")
    var indices = [Int32](repeating: 0, count: x.count)
    indices.withUnsafeMutableBufferPointer { index in
      for sample in 0..<n {
        let mirror = mirrored[draw.slot(sample)]
        for line in (sample * c * h)..<((sample + 1) * c * h) {
          let start = line * w
          let first = Int32(truncatingIfNeeded: start)
          let last = first &+ Int32(w - 1)
          for column in 0..<w {
            let k = Int32(truncatingIfNeeded: column)
            index[start + column] = mirror ? last &- k : first &+ k
          }
        }
      }
    }
    return x.gatherFlat(indices, shape: x.shape)
  }

  /// Zeroes rows top..<top + size.0 and columns left..<left + size.1 (clipped) of every
  /// channel: x times a constant 0/1 mask [N, 1, H, W] ([1, 1, H, W] for a shared draw).
  static func cutout(
    _ x: Tensor, top: [Int], left: [Int], size: (Int, Int), draw: AugmentationDraw
  ) -> Tensor {
    let (h, w) = (x.shape[2], x.shape[3])
    let masks = top.count
    var mask = [Float](repeating: 1, count: masks * h * w)
    for k in 0..<masks {
      for row in clipped(top[k]..<(top[k] + size.0), to: h) {
        for column in clipped(left[k]..<(left[k] + size.1), to: w) {
          mask[(k * h + row) * w + column] = 0
        }
      }
    }
    return x * Tensor(NDArray(shape: [masks, 1, h, w], data: mask))
  }
}

/// `range` ∩ 0..<size (empty ranges stay valid).
private func clipped(_ range: Range<Int>, to size: Int) -> Range<Int> {
  let lower = min(max(range.lowerBound, 0), size)
  return lower..<max(lower, min(range.upperBound, size))
}

// MARK: - Affine resampling (bilinear gridSample at a constant grid)

extension DiffAugment {
  /// Bilinear resampling of x [N, C, H, W] at the affine grid of θ (6 floats per sample, or 6
  /// shared by all), zero outside; the grid carries no gradient.
  static func affine(_ x: Tensor, theta: [Float], alignCorners: Bool) -> Tensor {
    let grid = affineGrid(
      theta: theta, batch: x.shape[0], height: x.shape[2], width: x.shape[3],
      alignCorners: alignCorners)
    return x.gridSample(grid, alignCorners: alignCorners)
  }

  /// The sampling grid [N, H, W, 2] of torch's `affine_grid(θ, [N, C, H, W], alignCorners)`:
  /// output pixel (h, w) samples the normalised point (x, y) = θₙ · (xʷ, yʰ, 1), x along the
  /// width. The base coordinates are xʷ = −1 + 2w/(W − 1) when `alignCorners` (−1 and 1 at the
  /// corner pixels' centres) and xʷ = (2w + 1)/W − 1 otherwise (−1 and 1 at the outer edges);
  /// yʰ likewise, and 0 for an axis of one pixel.
  ///
  /// - Parameters:
  ///   - theta: θ row-major [N, 2, 3] (6·N floats), or 6 floats used for every sample.
  ///   - batch: N.
  ///   - height: H.
  ///   - width: W.
  ///   - alignCorners: the convention (must match the `gridSample` call).
  /// - Returns: the grid [N, H, W, 2], (x, y) last.
  public static func affineGrid(
    theta: [Float], batch: Int, height: Int, width: Int, alignCorners: Bool
  ) -> NDArray {
    precondition(
      theta.count == 6 || theta.count == 6 * batch, "affineGrid: θ has \(theta.count) floats")
    func base(_ i: Int, _ size: Int) -> Float {
      if alignCorners { return size > 1 ? -1 + 2 * Float(i) / Float(size - 1) : 0 }
      return (2 * Float(i) + 1) / Float(size) - 1
    }
    let xs = (0..<width).map { base($0, width) }
    let ys = (0..<height).map { base($0, height) }
    var data = [Float](repeating: 0, count: batch * height * width * 2)
    data.withUnsafeMutableBufferPointer { out in
      for sample in 0..<batch {
        let t = theta.count == 6 ? 0 : sample * 6
        let (a, b, c, d, e, f) = (
          theta[t], theta[t + 1], theta[t + 2], theta[t + 3], theta[t + 4], theta[t + 5]
        )
        for (row, y) in ys.enumerated() {
          var o = ((sample * height + row) * width) * 2
          for x in xs {
            out[o] = a * x + b * y + c
            out[o + 1] = d * x + e * y + f
            o += 2
          }
        }
      }
    }
    return NDArray(shape: [batch, height, width, 2], data: data)
  }
}

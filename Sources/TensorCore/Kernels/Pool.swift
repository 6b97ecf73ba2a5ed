/// Pooling over k×k windows with stride s and no padding: [N, C, H, W] → [N, C, OH, OW],
/// OH = (H − k) / s + 1.
enum PoolKernel {
  static func outputShape(_ shape: [Int], _ k: Int, _ s: Int) -> [Int] {
    [shape[0], shape[1], (shape[2] - k) / s + 1, (shape[3] - k) / s + 1]
  }

  /// Mean over each window.
  static func averageForward(_ x: NDArray, _ k: Int, _ s: Int) -> NDArray {
    let outShape = outputShape(x.shape, k, s)
    let (h, w, oh, ow) = (x.shape[2], x.shape[3], outShape[2], outShape[3])
    let planes = x.shape[0] * x.shape[1]
    let scale = 1 / Float(k * k)
    let data = makeArray(count: planes * oh * ow) { out in
      let o = SharedPointer(out.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        Parallel.forEachRange(planes, costPerItem: h * w) { range in
          for plane in range {
            let src = px.baseAddress! + plane * h * w
            let dst = o.base + plane * oh * ow
            if k == 2 && s == 2 {
              average2x2(src, w, dst, oh, ow)
              continue
            }
            for oy in 0..<oh {
              for ox in 0..<ow {
                var total: Float = 0
                for ky in 0..<k {
                  let row = src + (oy * s + ky) * w + ox * s
                  for kx in 0..<k { total += row[kx] }
                }
                dst[oy * ow + ox] = total * scale
              }
            }
          }
        }
      }
    }
    return NDArray(shape: outShape, data: data)
  }

  /// The common 2×2, stride-2 window.
  @inline(__always)
  static func average2x2(
    _ src: UnsafePointer<Float>, _ w: Int, _ dst: UnsafeMutablePointer<Float>, _ oh: Int, _ ow: Int
  ) {
    for oy in 0..<oh {
      let top = src + 2 * oy * w
      let bottom = top + w
      let out = dst + oy * ow
      for ox in 0..<ow {
        out[ox] = 0.25 * (top[2 * ox] + top[2 * ox + 1] + bottom[2 * ox] + bottom[2 * ox + 1])
      }
    }
  }

  /// The adjoint of `averageForward`: spreads g/k² over each window.
  static func averageBackward(_ g: NDArray, inputShape: [Int], _ k: Int, _ s: Int) -> NDArray {
    let (h, w, oh, ow) = (inputShape[2], inputShape[3], g.shape[2], g.shape[3])
    let planes = inputShape[0] * inputShape[1]
    let scale = 1 / Float(k * k)
    var gx = NDArray.zeros(inputShape)
    gx.withUnsafeMutableBufferPointer { pgx in
      let o = SharedPointer(pgx.baseAddress!)
      g.data.withUnsafeBufferPointer { pg in
        Parallel.forEachRange(planes, costPerItem: h * w) { range in
          for plane in range {
            let src = pg.baseAddress! + plane * oh * ow
            let dst = o.base + plane * h * w
            for oy in 0..<oh {
              for ox in 0..<ow {
                let v = src[oy * ow + ox] * scale
                for ky in 0..<k {
                  let row = dst + (oy * s + ky) * w + ox * s
                  for kx in 0..<k { row[kx] += v }
                }
              }
            }
          }
        }
      }
    }
    return gx
  }

  /// Flat indices (into x) of each window's maximum; the first maximum wins ties.
  static func maxIndices(_ x: NDArray, _ k: Int, _ s: Int) -> (shape: [Int], indices: [Int32]) {
    let outShape = outputShape(x.shape, k, s)
    let (h, w, oh, ow) = (x.shape[2], x.shape[3], outShape[2], outShape[3])
    let planes = x.shape[0] * x.shape[1]
    var indices = [Int32](repeating: 0, count: planes * oh * ow)
    indices.withUnsafeMutableBufferPointer { pi in
      let idx = SharedPointer(pi.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        Parallel.forEachRange(planes, costPerItem: h * w) { range in
          for plane in range {
            let base = plane * h * w
            for oy in 0..<oh {
              for ox in 0..<ow {
                var best = base + oy * s * w + ox * s
                for ky in 0..<k {
                  for kx in 0..<k {
                    let at = base + (oy * s + ky) * w + ox * s + kx
                    if px[at] > px[best] { best = at }
                  }
                }
                idx.base[plane * oh * ow + oy * ow + ox] = Int32(best)
              }
            }
          }
        }
      }
    }
    return (outShape, indices)
  }
}

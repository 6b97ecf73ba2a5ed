import Foundation
import TensorCore

/// Straightforward Double loops that the kernels are checked against. Each is written for
/// clarity, never speed: one multi-index at a time.
enum Reference {
  /// Every multi-index of `shape` in row-major order.
  static func indices(_ shape: [Int]) -> [[Int]] {
    var result: [[Int]] = [[]]
    for extent in shape {
      result = result.flatMap { prefix in (0..<extent).map { prefix + [$0] } }
    }
    return result
  }

  /// The row-major flat offset of `index` in `shape`.
  static func flat(_ index: [Int], _ shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
  }

  /// Element at multi-index `index` of `x`, as Double.
  static func at(_ x: NDArray, _ index: [Int]) -> Double { Double(x.data[flat(index, x.shape)]) }

  /// For each element of `shape` (row-major), the flat offset of the element of an array of
  /// shape `source` that NumPy broadcasting reads.
  static func broadcastOffsets(_ source: [Int], to shape: [Int]) -> [Int] {
    let lead = shape.count - source.count
    let strides = Shape.strides(source)
    return (0..<Shape.count(shape)).map { flatIndex in
      var rest = flatIndex
      var offset = 0
      for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        let i = rest % shape[axis]
        rest /= shape[axis]
        if axis >= lead && source[axis - lead] != 1 { offset += i * strides[axis - lead] }
      }
      return offset
    }
  }

  /// op(a, b) element-wise with broadcasting to `shape`.
  static func binary(
    _ a: NDArray, _ b: NDArray, shape: [Int], _ op: (Double, Double) -> Double
  ) -> [Double] {
    let offsetsA = broadcastOffsets(a.shape, to: shape)
    let offsetsB = broadcastOffsets(b.shape, to: shape)
    return zip(offsetsA, offsetsB).map { op(Double(a.data[$0]), Double(b.data[$1])) }
  }

  /// Sum or max of `x` over `axes`, reduced axes kept as 1.
  static func reduce(_ x: NDArray, axes: Set<Int>, max: Bool) -> (shape: [Int], data: [Double]) {
    let shape = x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    var out = [Double](repeating: max ? -.infinity : 0, count: Shape.count(shape))
    // Each input element lands at the broadcast offset that reads it back from `out`.
    for (i, target) in broadcastOffsets(shape, to: x.shape).enumerated() {
      let v = Double(x.data[i])
      out[target] = max ? Swift.max(out[target], v) : out[target] + v
    }
    return (shape, out)
  }

  /// x permuted so that output axis k is input axis order[k].
  static func permute(_ x: NDArray, _ order: [Int]) -> [Double] {
    let shape = order.map { x.shape[$0] }
    return indices(shape).map { out in
      var source = [Int](repeating: 0, count: x.rank)
      for (k, axis) in order.enumerated() { source[axis] = out[k] }
      return at(x, source)
    }
  }

  /// op(A) · op(B) with op the optional transpose.
  static func matmul(_ a: NDArray, _ b: NDArray, transposeA: Bool, transposeB: Bool) -> [Double] {
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let n = transposeB ? b.shape[0] : b.shape[1]
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        for l in 0..<k {
          let av = transposeA ? at(a, [l, i]) : at(a, [i, l])
          let bv = transposeB ? at(b, [j, l]) : at(b, [l, j])
          out[i * n + j] += av * bv
        }
      }
    }
    return out
  }

  /// Visits every (image, out channel, oy, ox, in channel, ky, kx) term of a convolution
  /// whose input tap (iy, ix) lies inside the image, passing the flat offsets of the output,
  /// input and filter elements involved.
  static func convTerms(
    input: [Int], filter: [Int], stride: Int, padding: Int,
    _ visit: (_ out: Int, _ x: Int, _ w: Int) -> Void
  ) {
    let (n, c, h, w) = (input[0], input[1], input[2], input[3])
    let (o, kh, kw) = (filter[0], filter[2], filter[3])
    let oh = (h + 2 * padding - kh) / stride + 1
    let ow = (w + 2 * padding - kw) / stride + 1
    for image in 0..<n {
      for channel in 0..<o {
        for oy in 0..<oh {
          for ox in 0..<ow {
            let out = ((image * o + channel) * oh + oy) * ow + ox
            for ci in 0..<c {
              for ky in 0..<kh {
                for kx in 0..<kw {
                  let iy = oy * stride - padding + ky
                  let ix = ox * stride - padding + kx
                  if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                  visit(
                    out, ((image * c + ci) * h + iy) * w + ix,
                    ((channel * c + ci) * kh + ky) * kw + kx)
                }
              }
            }
          }
        }
      }
    }
  }

  static func convOutputShape(_ input: [Int], _ filter: [Int], _ stride: Int, _ padding: Int)
    -> [Int]
  {
    [
      input[0], filter[0], (input[2] + 2 * padding - filter[2]) / stride + 1,
      (input[3] + 2 * padding - filter[3]) / stride + 1,
    ]
  }

  /// y[n, o, oy, ox] = b[o] + Σ x[n, c, oy·s − p + ky, ox·s − p + kx] · w[o, c, ky, kx].
  static func conv2d(_ x: NDArray, _ w: NDArray, bias: NDArray?, stride: Int, padding: Int)
    -> [Double]
  {
    let shape = convOutputShape(x.shape, w.shape, stride, padding)
    let plane = shape[2] * shape[3]
    var out = (0..<Shape.count(shape)).map { i in
      bias.map { Double($0.data[(i / plane) % shape[1]]) } ?? 0
    }
    let (xd, wd) = (x.data.map(Double.init), w.data.map(Double.init))
    convTerms(input: x.shape, filter: w.shape, stride: stride, padding: padding) { o, xi, wi in
      out[o] += xd[xi] * wd[wi]
    }
    return out
  }

  /// ∂⟨g, conv(x, w)⟩/∂x.
  static func conv2dBackwardInput(
    _ g: NDArray, _ w: NDArray, inputShape: [Int], stride: Int, padding: Int
  ) -> [Double] {
    var out = [Double](repeating: 0, count: Shape.count(inputShape))
    let (gd, wd) = (g.data.map(Double.init), w.data.map(Double.init))
    convTerms(input: inputShape, filter: w.shape, stride: stride, padding: padding) { o, xi, wi in
      out[xi] += gd[o] * wd[wi]
    }
    return out
  }

  /// ∂⟨g, conv(x, w)⟩/∂w.
  static func conv2dBackwardFilter(
    _ x: NDArray, _ g: NDArray, filterShape: [Int], stride: Int, padding: Int
  ) -> [Double] {
    var out = [Double](repeating: 0, count: Shape.count(filterShape))
    let (xd, gd) = (x.data.map(Double.init), g.data.map(Double.init))
    convTerms(input: x.shape, filter: filterShape, stride: stride, padding: padding) { o, xi, wi in
      out[wi] += gd[o] * xd[xi]
    }
    return out
  }

  /// Mean or max over k×k windows with stride s (no padding).
  static func pool(_ x: NDArray, kernel k: Int, stride s: Int, max: Bool) -> [Double] {
    let shape = [x.shape[0], x.shape[1], (x.shape[2] - k) / s + 1, (x.shape[3] - k) / s + 1]
    return indices(shape).map { o in
      var values: [Double] = []
      for ky in 0..<k {
        for kx in 0..<k { values.append(at(x, [o[0], o[1], o[2] * s + ky, o[3] * s + kx])) }
      }
      return max ? values.max()! : values.reduce(0, +) / Double(k * k)
    }
  }

  /// PyTorch `grid_sample` (bilinear, zero padding) for one output element.
  static func gridSample(_ x: NDArray, _ grid: NDArray, alignCorners: Bool) -> [Double] {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (grid.shape[1], grid.shape[2])
    func pixel(_ v: Double, _ size: Int) -> Double {
      alignCorners ? (v + 1) / 2 * Double(size - 1) : ((v + 1) * Double(size) - 1) / 2
    }
    return indices([n, c, oh, ow]).map { o in
      let px = pixel(at(grid, [o[0], o[2], o[3], 0]), w)
      let py = pixel(at(grid, [o[0], o[2], o[3], 1]), h)
      let (x0, y0) = (Int(px.rounded(.down)), Int(py.rounded(.down)))
      var total = 0.0
      for (yy, wy) in [(y0, 1 - (py - Double(y0))), (y0 + 1, py - Double(y0))] {
        for (xx, wx) in [(x0, 1 - (px - Double(x0))), (x0 + 1, px - Double(x0))]
        where yy >= 0 && yy < h && xx >= 0 && xx < w {
          total += wy * wx * at(x, [o[0], o[1], yy, xx])
        }
      }
      return total
    }
  }
}

/// Runs code with `Parallel.threads` set, one caller at a time, restoring the setting after.
/// Tests run concurrently, so the lock keeps two thread-count tests from interleaving their
/// save and restore.
enum ThreadCount {
  private static let lock = NSLock()

  static func with<R>(_ threads: Int, _ body: () -> R) -> R {
    lock.lock()
    defer { lock.unlock() }
    let saved = Parallel.threads
    Parallel.threads = threads
    defer { Parallel.threads = saved }
    return body()
  }
}

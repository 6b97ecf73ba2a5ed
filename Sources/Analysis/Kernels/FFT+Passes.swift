/// The radix-2, -3 and -4 passes of `BatchedFFT`.
///
/// A forward pass over blocks of n = r · m rows takes, for each j < m, the r rows
/// xₖ = row j + k·m, forms yᵩ = Σₖ xₖ e^{−2πi qk/r} · e^{−2πi qj/n} and stores yᵩ in row
/// j + q·m; each block's sub-blocks of m rows are then transformed by the next pass. The
/// inverse pass multiplies by the conjugate twiddle first and applies the conjugate
/// butterfly, undoing the forward pass up to the factor r. Kernel indices: `o` are the r row
/// offsets (in floats) of one butterfly, `c` walks its columns 8 at a time.
extension BatchedFFT {
  func forwardPass(
    _ s: Stage, _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>,
    _ stride: Int, _ width: Int
  ) {
    eachButterfly(s, stride) { o, j in
      switch s.radix {
      case 2: Self.forward2(re, im, o, width, Self.twiddle(s, 1, j))
      case 3: Self.forward3(re, im, o, width, Self.twiddle(s, 1, j), Self.twiddle(s, 2, j))
      default:
        Self.forward4(
          re, im, o, width, Self.twiddle(s, 1, j), Self.twiddle(s, 2, j), Self.twiddle(s, 3, j))
      }
    }
  }

  func inversePass(
    _ s: Stage, _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>,
    _ stride: Int, _ width: Int
  ) {
    eachButterfly(s, stride) { o, j in
      switch s.radix {
      case 2: Self.inverse2(re, im, o, width, Self.twiddle(s, 1, j))
      case 3: Self.inverse3(re, im, o, width, Self.twiddle(s, 1, j), Self.twiddle(s, 2, j))
      default:
        Self.inverse4(
          re, im, o, width, Self.twiddle(s, 1, j), Self.twiddle(s, 2, j), Self.twiddle(s, 3, j))
      }
    }
  }

  /// Calls `body` with the row offsets of every butterfly of pass `s` and its j.
  @inline(__always)
  private func eachButterfly(_ s: Stage, _ stride: Int, _ body: ([Int], Int) -> Void) {
    let n = s.radix * s.span
    var o = [Int](repeating: 0, count: s.radix)
    for base in Swift.stride(from: 0, to: length, by: n) {
      for j in 0..<s.span {
        for k in 0..<s.radix { o[k] = (base + j + k * s.span) * stride }
        body(o, j)
      }
    }
  }

  @inline(__always)
  private static func twiddle(_ s: Stage, _ q: Int, _ j: Int) -> (Float, Float) {
    (s.cosines[(q - 1) * s.span + j], s.sines[(q - 1) * s.span + j])
  }

  // MARK: - Lane helpers

  @inline(__always)
  private static func load(_ p: UnsafeMutablePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
  }

  @inline(__always)
  private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
  }

  /// (a + ib)(c + is).
  @inline(__always)
  private static func times(_ a: Lanes, _ b: Lanes, _ w: (Float, Float)) -> (Lanes, Lanes) {
    (a * w.0 - b * w.1, a * w.1 + b * w.0)
  }

  /// (a + ib)(c − is).
  @inline(__always)
  private static func timesConjugate(_ a: Lanes, _ b: Lanes, _ w: (Float, Float)) -> (Lanes, Lanes)
  {
    (a * w.0 + b * w.1, b * w.0 - a * w.1)
  }

  // MARK: - Radix 2

  private static func forward2(
    _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, _ o: [Int], _ width: Int,
    _ w1: (Float, Float)
  ) {
    let (o0, o1) = (o[0], o[1])
    for c in Swift.stride(from: 0, to: width, by: 8) {
      let (x0r, x0i, x1r, x1i) = (
        load(re + o0 + c), load(im + o0 + c), load(re + o1 + c), load(im + o1 + c)
      )
      store(x0r + x1r, re + o0 + c)
      store(x0i + x1i, im + o0 + c)
      let (yr, yi) = times(x0r - x1r, x0i - x1i, w1)
      store(yr, re + o1 + c)
      store(yi, im + o1 + c)
    }
  }

  private static func inverse2(
    _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, _ o: [Int], _ width: Int,
    _ w1: (Float, Float)
  ) {
    let (o0, o1) = (o[0], o[1])
    for c in Swift.stride(from: 0, to: width, by: 8) {
      let (y0r, y0i) = (load(re + o0 + c), load(im + o0 + c))
      let (y1r, y1i) = timesConjugate(load(re + o1 + c), load(im + o1 + c), w1)
      store(y0r + y1r, re + o0 + c)
      store(y0i + y1i, im + o0 + c)
      store(y0r - y1r, re + o1 + c)
      store(y0i - y1i, im + o1 + c)
    }
  }

  // MARK: - Radix 3 (ω = e^{−2πi/3} = −1/2 − i√3/2)

  private static let sinThird = Float((3.0).squareRoot() / 2)

  private static func forward3(
    _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, _ o: [Int], _ width: Int,
    _ w1: (Float, Float), _ w2: (Float, Float)
  ) {
    let (o0, o1, o2) = (o[0], o[1], o[2])
    let h = sinThird
    for c in Swift.stride(from: 0, to: width, by: 8) {
      let (x0r, x0i) = (load(re + o0 + c), load(im + o0 + c))
      let (x1r, x1i, x2r, x2i) = (
        load(re + o1 + c), load(im + o1 + c), load(re + o2 + c), load(im + o2 + c)
      )
      let (sr, si, dr, di) = (x1r + x2r, x1i + x2i, x1r - x2r, x1i - x2i)
      let (tr, ti) = (x0r - sr * 0.5, x0i - si * 0.5)
      store(x0r + sr, re + o0 + c)
      store(x0i + si, im + o0 + c)
      let (y1r, y1i) = times(tr + di * h, ti - dr * h, w1)
      let (y2r, y2i) = times(tr - di * h, ti + dr * h, w2)
      store(y1r, re + o1 + c)
      store(y1i, im + o1 + c)
      store(y2r, re + o2 + c)
      store(y2i, im + o2 + c)
    }
  }

  private static func inverse3(
    _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, _ o: [Int], _ width: Int,
    _ w1: (Float, Float), _ w2: (Float, Float)
  ) {
    let (o0, o1, o2) = (o[0], o[1], o[2])
    let h = sinThird
    for c in Swift.stride(from: 0, to: width, by: 8) {
      let (y0r, y0i) = (load(re + o0 + c), load(im + o0 + c))
      let (y1r, y1i) = timesConjugate(load(re + o1 + c), load(im + o1 + c), w1)
      let (y2r, y2i) = timesConjugate(load(re + o2 + c), load(im + o2 + c), w2)
      let (sr, si, dr, di) = (y1r + y2r, y1i + y2i, y1r - y2r, y1i - y2i)
      let (tr, ti) = (y0r - sr * 0.5, y0i - si * 0.5)
      store(y0r + sr, re + o0 + c)
      store(y0i + si, im + o0 + c)
      store(tr - di * h, re + o1 + c)
      store(ti + dr * h, im + o1 + c)
      store(tr + di * h, re + o2 + c)
      store(ti - dr * h, im + o2 + c)
    }
  }

  // MARK: - Radix 4

  private static func forward4(
    _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, _ o: [Int], _ width: Int,
    _ w1: (Float, Float), _ w2: (Float, Float), _ w3: (Float, Float)
  ) {
    let (o0, o1, o2, o3) = (o[0], o[1], o[2], o[3])
    for c in Swift.stride(from: 0, to: width, by: 8) {
      let (x0r, x0i, x2r, x2i) = (
        load(re + o0 + c), load(im + o0 + c), load(re + o2 + c), load(im + o2 + c)
      )
      let (x1r, x1i, x3r, x3i) = (
        load(re + o1 + c), load(im + o1 + c), load(re + o3 + c), load(im + o3 + c)
      )
      let (a0r, a0i, a1r, a1i) = (x0r + x2r, x0i + x2i, x0r - x2r, x0i - x2i)
      let (a2r, a2i, a3r, a3i) = (x1r + x3r, x1i + x3i, x1r - x3r, x1i - x3i)
      store(a0r + a2r, re + o0 + c)
      store(a0i + a2i, im + o0 + c)
      let (y1r, y1i) = times(a1r + a3i, a1i - a3r, w1)
      let (y2r, y2i) = times(a0r - a2r, a0i - a2i, w2)
      let (y3r, y3i) = times(a1r - a3i, a1i + a3r, w3)
      store(y1r, re + o1 + c)
      store(y1i, im + o1 + c)
      store(y2r, re + o2 + c)
      store(y2i, im + o2 + c)
      store(y3r, re + o3 + c)
      store(y3i, im + o3 + c)
    }
  }

  private static func inverse4(
    _ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, _ o: [Int], _ width: Int,
    _ w1: (Float, Float), _ w2: (Float, Float), _ w3: (Float, Float)
  ) {
    let (o0, o1, o2, o3) = (o[0], o[1], o[2], o[3])
    for c in Swift.stride(from: 0, to: width, by: 8) {
      let (y0r, y0i) = (load(re + o0 + c), load(im + o0 + c))
      let (y1r, y1i) = timesConjugate(load(re + o1 + c), load(im + o1 + c), w1)
      let (y2r, y2i) = timesConjugate(load(re + o2 + c), load(im + o2 + c), w2)
      let (y3r, y3i) = timesConjugate(load(re + o3 + c), load(im + o3 + c), w3)
      let (b0r, b0i, b1r, b1i) = (y0r + y2r, y0i + y2i, y0r - y2r, y0i - y2i)
      let (b2r, b2i, b3r, b3i) = (y1r + y3r, y1i + y3i, y1r - y3r, y1i - y3i)
      store(b0r + b2r, re + o0 + c)
      store(b0i + b2i, im + o0 + c)
      store(b1r - b3i, re + o1 + c)
      store(b1i + b3r, im + o1 + c)
      store(b0r - b2r, re + o2 + c)
      store(b0i - b2i, im + o2 + c)
      store(b1r + b3i, re + o3 + c)
      store(b1i - b3r, im + o3 + c)
    }
  }
}

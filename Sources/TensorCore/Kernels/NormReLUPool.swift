/// ConvNet's block after the convolution — instance norm, per-channel affine, ReLU and
/// optional 2×2 average pooling — in one pass per H×W plane. Unfused these are five
/// element-wise passes over the largest activation of the network forward and as many
/// backward; fused, the forward reads x twice and writes only the pooled output, and the
/// backward recomputes x̂ from x and the saved per-plane statistics.
enum NormReLUPoolKernel {
  struct Statistics {
    /// Per plane [N·C]: the mean μ and s = 1/√(σ² + ε) of x.
    var mean: [Float]
    var inverseStd: [Float]

    /// Statistics of `planes` planes, written by `body` through shareable pointers to μ and s
    /// (the workers of a forward pass write disjoint planes).
    static func filled(
      planes: Int,
      _ body: (_ mean: SharedPointer<Float>, _ inverseStd: SharedPointer<Float>) -> Void
    ) -> Statistics {
      var means = [Float](repeating: 0, count: planes)
      var scales = [Float](repeating: 0, count: planes)
      means.withUnsafeMutableBufferPointer { pm in
        scales.withUnsafeMutableBufferPointer { ps in
          body(SharedPointer(pm.baseAddress!), SharedPointer(ps.baseAddress!))
        }
      }
      return Statistics(mean: means, inverseStd: scales)
    }
  }

  /// y = pool(relu((x − μ)·s·γ_c + β_c)); x [N, C, H, W], γ and β [C]. Pooling keeps
  /// ⌊H/2⌋ × ⌊W/2⌋ outputs, as `avgPool2d(kernel: 2, stride: 2)`.
  static func forward(_ x: NDArray, gamma: NDArray, beta: NDArray, pool: Bool, eps: Float)
    -> (NDArray, Statistics)
  {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = pool ? (h / 2, w / 2) : (h, w)
    let m = h * w
    var data: [Float] = []
    let statistics = Statistics.filled(planes: n * c) { mu, sc in
      data = makeArray(count: n * c * oh * ow) { out in
        let o = SharedPointer(out.baseAddress!)
        x.data.withUnsafeBufferPointer { px in
          Parallel.forEachRange(n * c, costPerItem: 4 * m) { planes in
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 2 * w)
            defer { rows.deallocate() }
            for plane in planes {
              (mu[plane], sc[plane]) = forwardPlane(
                px.baseAddress! + plane * m, o.base + plane * oh * ow, h: h, w: w, pool: pool,
                eps: eps, gamma.data[plane % c], beta.data[plane % c], rows: rows)
            }
          }
        }
      }
    }
    return (NDArray(shape: [n, c, oh, ow], data: data), statistics)
  }

  /// The gradients (x, γ, β) of ⟨gy, forward(x)⟩ given the forward's statistics. Per plane,
  /// with z the ReLU input and gz = ∂/∂z (the pooled gradient spread over each window, zero
  /// where z ≤ 0): ∂x = s·γ·(gz − mean(gz) − x̂·mean(gz·x̂)), ∂γ = Σ gz·x̂, ∂β = Σ gz.
  static func backward(
    _ gy: NDArray, x: NDArray, gamma: NDArray, beta: NDArray, statistics: Statistics, pool: Bool
  ) -> (x: NDArray, gamma: NDArray, beta: NDArray) {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = pool ? (h / 2, w / 2) : (h, w)
    let m = h * w
    var sumsG = [Double](repeating: 0, count: n * c)
    var sumsGX = [Double](repeating: 0, count: n * c)
    let data = makeArray(count: x.count) { out in
      let o = SharedPointer(out.baseAddress!)
      sumsG.withUnsafeMutableBufferPointer { p1 in
        sumsGX.withUnsafeMutableBufferPointer { p2 in
          let (s1, s2) = (SharedPointer(p1.baseAddress!), SharedPointer(p2.baseAddress!))
          x.data.withUnsafeBufferPointer { px in
            gy.data.withUnsafeBufferPointer { pg in
              Parallel.forEachRange(n * c, costPerItem: 6 * m) { planes in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: backwardScratch(h, w))
                defer { scratch.deallocate() }
                for plane in planes {
                  (s1.base[plane], s2.base[plane]) = backwardPlane(
                    px.baseAddress! + plane * m, pg.baseAddress! + plane * oh * ow,
                    o.base + plane * m, h: h, w: w, pool: pool, statistics.mean[plane],
                    statistics.inverseStd[plane], gamma.data[plane % c], beta.data[plane % c],
                    scratch: scratch)
                }
              }
            }
          }
        }
      }
    }
    return (
      NDArray(shape: x.shape, data: data), channelSums(sumsGX, images: n, channels: c),
      channelSums(sumsG, images: n, channels: c)
    )
  }

  /// [C]: per channel, the per-plane values ([N·C]) summed over the images in order.
  static func channelSums(_ planes: [Double], images n: Int, channels c: Int) -> NDArray {
    NDArray(
      shape: [c],
      data: (0..<c).map { channel in
        var sum = 0.0
        for image in 0..<n { sum += planes[image * c + channel] }
        return Float(sum)
      })
  }

  /// One plane [H, W] of the forward: writes pool(relu((x − μ)·s·γ + β)) at dst and returns
  /// μ and s = 1/√(σ² + ε). `rows`: 2·W floats of scratch.
  @inline(__always)
  static func forwardPlane(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, h: Int, w: Int, pool: Bool,
    eps: Float, _ g: Float, _ b: Float, rows: UnsafeMutablePointer<Float>
  ) -> (mean: Float, inverseStd: Float) {
    let m = h * w
    let mean = Float(Reduction.sum(src, m) / Double(m))
    let squares = Reduction.centeredSquares(src, m, mean)
    let s = Float(1 / (squares / Double(m) + Double(eps)).squareRoot())
    guard pool else {
      activate(src, dst, m, mean, s, g, b)
      return (mean, s)
    }
    let ow = w / 2
    for oy in 0..<(h / 2) {
      // Two activated rows, summed vertically, then horizontal pairs.
      activate(src + 2 * oy * w, rows, 2 * w, mean, s, g, b)
      for i in 0..<w { rows[i] += rows[w + i] }
      let out = dst + oy * ow
      for ox in 0..<ow { out[ox] = (rows[2 * ox] + rows[2 * ox + 1]) * 0.25 }
    }
    return (mean, s)
  }

  /// Floats of scratch `backwardPlane` needs for an H×W plane.
  static func backwardScratch(_ h: Int, _ w: Int) -> Int { 2 * h * w + w }

  /// One plane [H, W] of the backward: writes ∂x at dst given the upstream (pooled) gradient
  /// gy of the plane and returns (Σ gz, Σ gz·x̂), the plane's shares of ∂β and ∂γ.
  @inline(__always)
  static func backwardPlane(
    _ src: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
    h: Int, w: Int, pool: Bool, _ mean: Float, _ s: Float, _ g: Float, _ b: Float,
    scratch: UnsafeMutablePointer<Float>
  ) -> (sumG: Double, sumGX: Double) {
    let m = h * w
    let (gz, xhat, spread) = (scratch, scratch + m, scratch + 2 * m)
    gatePlane(src, gy, xhat: xhat, gz: gz, spread: spread, h: h, w: w, pool: pool, mean, s, g, b)
    let sumG = Reduction.sum(gz, m)
    let sumGX = Reduction.dot(gz, xhat, m)
    let (k1, k2) = (Float(sumG / Double(m)), Float(sumGX / Double(m)))
    let scale = s * g
    for i in 0..<m { dst[i] = scale * (gz[i] - k1 - xhat[i] * k2) }
    return (sumG, sumGX)
  }

  /// One plane [H, W] of the backward's first pass: `gateRow` on every row, the upstream row
  /// being gy's (no pooling) or the pooled gradient spread over its 2×2 window (·¼, 0 past an
  /// odd edge) in `spread` (W floats).
  @inline(__always)
  static func gatePlane(
    _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, xhat: UnsafeMutablePointer<Float>,
    gz: UnsafeMutablePointer<Float>, spread: UnsafeMutablePointer<Float>, h: Int, w: Int,
    pool: Bool, _ mean: Float, _ s: Float, _ g: Float, _ b: Float
  ) {
    let (oh, ow) = pool ? (h / 2, w / 2) : (h, w)
    for iy in 0..<h {
      let upstream: UnsafePointer<Float>
      if !pool {
        upstream = gy + iy * w
      } else if iy / 2 < oh {
        let pooled = gy + (iy / 2) * ow
        for ix in 0..<(2 * ow) { spread[ix] = pooled[ix >> 1] * 0.25 }
        for ix in (2 * ow)..<w { spread[ix] = 0 }
        upstream = UnsafePointer(spread)
      } else {
        spread.update(repeating: 0, count: w)
        upstream = UnsafePointer(spread)
      }
      gateRow(x + iy * w, upstream, xhat: xhat + iy * w, gz: gz + iy * w, w, mean, s, g, b)
    }
  }

  /// One row of the backward: x̂ = (x − μ)·s and gz = upstream where x̂·γ + β > 0, else 0.
  /// Explicit 8-lane selects: the compiler turns the scalar form into a branch around the
  /// load, which mispredicts on every other element of a ReLU mask.
  @inline(__always)
  static func gateRow(
    _ x: UnsafePointer<Float>, _ upstream: UnsafePointer<Float>,
    xhat: UnsafeMutablePointer<Float>, gz: UnsafeMutablePointer<Float>, _ count: Int,
    _ mean: Float, _ s: Float, _ g: Float, _ b: Float
  ) {
    typealias Lanes = SIMD8<Float>
    let n = Lanes.scalarCount
    var i = 0
    while i + n <= count {
      let xv = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
      let uv = UnsafeRawPointer(upstream + i).loadUnaligned(as: Lanes.self)
      let normalized = (xv - mean) * s
      let open = normalized * g + b .> 0
      UnsafeMutableRawPointer(xhat + i).storeBytes(of: normalized, as: Lanes.self)
      UnsafeMutableRawPointer(gz + i).storeBytes(
        of: Lanes(repeating: 0).replacing(with: uv, where: open), as: Lanes.self)
      i += n
    }
    while i < count {
      let normalized = (x[i] - mean) * s
      xhat[i] = normalized
      gz[i] = normalized * g + b > 0 ? upstream[i] : 0
      i += 1
    }
  }

  /// dst[i] = relu(((src[i] − μ)·s)·γ + β), the ReLU propagating NaN as `UnaryKernel`'s;
  /// the same arithmetic as the backward's gate, so both agree on every sign.
  @inline(__always)
  static func activate(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
    _ mean: Float, _ s: Float, _ g: Float, _ b: Float
  ) {
    for i in 0..<count {
      let z = (src[i] - mean) * s * g + b
      dst[i] = z < 0 ? 0 : z
    }
  }
}

extension NDArray {
  /// pool(relu(instanceNorm(x)·γ + β)) for x [N, C, H, W], γ and β [C]; 2×2 average pooling
  /// when `pool`. Also returns the per-plane mean and 1/√(σ² + ε) (each [N·C]) that
  /// `instanceNormReLUPoolBackward` needs.
  public func instanceNormReLUPool(gamma: NDArray, beta: NDArray, pool: Bool, eps: Float)
    -> (output: NDArray, mean: [Float], inverseStd: [Float])
  {
    precondition(
      rank == 4 && gamma.shape == [shape[1]] && beta.shape == [shape[1]],
      "instanceNormReLUPool: x \(shape), gamma \(gamma.shape), beta \(beta.shape)")
    let (y, stats) = NormReLUPoolKernel.forward(
      self, gamma: gamma, beta: beta, pool: pool, eps: eps)
    return (y, stats.mean, stats.inverseStd)
  }

  /// The gradients of ⟨gy, x.instanceNormReLUPool(…)⟩ with respect to x, γ and β.
  public static func instanceNormReLUPoolBackward(
    _ gy: NDArray, x: NDArray, gamma: NDArray, beta: NDArray, mean: [Float],
    inverseStd: [Float], pool: Bool
  ) -> (x: NDArray, gamma: NDArray, beta: NDArray) {
    NormReLUPoolKernel.backward(
      gy, x: x, gamma: gamma, beta: beta,
      statistics: .init(mean: mean, inverseStd: inverseStd), pool: pool)
  }

  /// The gradients (gy, x, γ) of ⟨(ux, uγ, uβ), instanceNormReLUPoolBackward(gy, …)⟩: the
  /// adjoint of the backward, for second-order gradients (see
  /// `NormReLUPoolKernel.backwardAdjoint`). x's and γ's are nil when nothing reaches them.
  public static func instanceNormReLUPoolBackwardAdjoint(
    x ux: NDArray?, gamma uGamma: NDArray?, beta uBeta: NDArray?, gy: NDArray, input x: NDArray,
    gamma: NDArray, beta: NDArray, mean: [Float], inverseStd: [Float], pool: Bool
  ) -> (gy: NDArray, x: NDArray?, gamma: NDArray?) {
    NormReLUPoolKernel.backwardAdjoint(
      .init(x: ux, gamma: uGamma?.data, beta: uBeta?.data), gy: gy, x: x, gamma: gamma,
      beta: beta, statistics: .init(mean: mean, inverseStd: inverseStd), pool: pool)
  }
}

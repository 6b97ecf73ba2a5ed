/// The adjoint of `NormReLUPoolKernel.backward`, for second-order gradients (DC's gradient
/// matching, MTT's student steps) without the dozen element-wise passes of the unfused
/// composite's adjoint.
///
/// Per plane (m = H·W elements, means over the plane written ⟨·⟩), the backward maps the
/// upstream gy to gz = mask ⊙ spread(gy) (spread: the pooled gradient over its 2×2 window, /4),
/// h = γ·gz and
///   ∂x = s·P(h),  ∂γ = Σ gz ⊙ x̂,  ∂β = Σ gz,   with P(w) = w − ⟨w⟩ − x̂·⟨w ⊙ x̂⟩.
/// The ReLU mask is piecewise constant, so only x̂ and s = (σ² + ε)^(−½) carry x: with
/// ∂x̂/∂x = s·P and ∂s/∂x = −s²·x̂/m, the cotangents (u, u_γ, u_β) of (∂x, ∂γ, ∂β) give
///   ∂gz = γ·s·P(u) + u_γ·x̂ + u_β,   ∂gy = spreadᵀ(mask ⊙ ∂gz),
///   ∂x = (s²/m)·[−(K − A·B/m)·x̂ − B·P(u) − A·P(h)] + u_γ·s·P(gz),
///   ∂γ = Σ s·P(u) ⊙ gz,
/// where K = Σ u⊙h − (Σ u)(Σ h)/m, A = Σ u⊙x̂, B = Σ h⊙x̂ (P is symmetric, so P(u) is also
/// the adjoint of h ↦ P(h)).
extension NormReLUPoolKernel {
  /// Cotangents of the backward's outputs: u for ∂x ([N, C, H, W]), u_γ and u_β for ∂γ, ∂β
  /// ([C]); nil where that output is unused.
  struct Cotangents {
    var x: NDArray?
    var gamma: [Float]?
    var beta: [Float]?
  }

  /// (∂gy, ∂x, ∂γ) of ⟨cotangents, backward(gy, x, γ, β)⟩; ∂x and ∂γ are nil when no
  /// cotangent reaches them (only u_β given, or no u).
  static func backwardAdjoint(
    _ u: Cotangents, gy: NDArray, x: NDArray, gamma: NDArray, beta: NDArray,
    statistics: Statistics, pool: Bool
  ) -> (gy: NDArray, x: NDArray?, gamma: NDArray?) {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = pool ? (h / 2, w / 2) : (h, w)
    let m = h * w
    let wantsX = u.x != nil || u.gamma != nil
    var dx: [Float] = []
    var gammaParts = [Double](repeating: 0, count: n * c)
    let ux = u.x?.data ?? []
    let dgy = makeArray(count: n * c * oh * ow) { pdg in
      func fill(_ pdx: UnsafeMutablePointer<Float>?) {
        withSharedPointers(x.data, gy.data, ux) { px, pg, pu in
          gammaParts.withUnsafeMutableBufferPointer { pparts in
            let out = AdjointOutputs(
              x: pdx.map(SharedPointer.init), gy: SharedPointer(pdg.baseAddress!),
              gamma: SharedPointer(pparts.baseAddress!))
            Parallel.forEachRange(n * c, costPerItem: 12 * m) { planes in
              let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * m + w)
              defer { scratch.deallocate() }
              for plane in planes {
                let channel = plane % c
                let p = PlaneAdjoint(
                  m: m, h: h, w: w, pool: pool, mean: statistics.mean[plane],
                  s: statistics.inverseStd[plane], gamma: gamma.data[channel],
                  beta: beta.data[channel], uGamma: u.gamma?[channel] ?? 0,
                  uBeta: u.beta?[channel] ?? 0)
                p.run(
                  x: px.base + plane * m, gy: pg.base + plane * oh * ow,
                  u: u.x == nil ? nil : pu.base + plane * m, scratch: scratch, plane: plane, out)
              }
            }
          }
        }
      }
      if wantsX {
        dx = makeArray(count: x.count) { fill($0.baseAddress!) }
      } else {
        fill(nil)
      }
    }
    var dGamma: NDArray?
    if u.x != nil {
      var sums = [Float](repeating: 0, count: c)
      for channel in 0..<c {
        var total = 0.0
        for image in 0..<n { total += gammaParts[image * c + channel] }
        sums[channel] = Float(total)
      }
      dGamma = NDArray(shape: [c], data: sums)
    }
    return (
      NDArray(shape: [n, c, oh, ow], data: dgy), wantsX ? NDArray(shape: x.shape, data: dx) : nil,
      dGamma
    )
  }
}

/// Where the planes of `backwardAdjoint` write: ∂x and ∂gy per plane, ∂γ as one Double
/// partial per plane (summed over images in order afterwards).
struct AdjointOutputs: Sendable {
  let x: SharedPointer<Float>?
  let gy: SharedPointer<Float>
  let gamma: SharedPointer<Double>
}

/// One plane of `NormReLUPoolKernel.backwardAdjoint`.
struct PlaneAdjoint {
  let m, h, w: Int
  let pool: Bool
  let mean, s, gamma, beta, uGamma, uBeta: Float

  /// Pass 1 rebuilds x̂ and gz (as the backward) and the plane sums; pass 2 writes ∂x, ∂gy
  /// and the plane's ∂γ partial.
  func run(
    x: UnsafePointer<Float>, gy: UnsafePointer<Float>, u: UnsafePointer<Float>?,
    scratch: UnsafeMutablePointer<Float>, plane: Int, _ out: AdjointOutputs
  ) {
    let (oh, ow) = pool ? (h / 2, w / 2) : (h, w)
    let (gz, xhat, dgz, spread) = (scratch, scratch + m, scratch + 2 * m, scratch + 3 * m)
    NormReLUPoolKernel.gatePlane(
      x, gy, xhat: xhat, gz: gz, spread: spread, h: h, w: w, pool: pool, mean, s, gamma, beta)
    let md = Double(m)
    // Only ∂β's cotangent given: no P(gz) needed.
    let needsP = u != nil || uGamma != 0
    let sumGz = needsP ? Reduction.sum(gz, m) : 0
    let sumGzX = needsP ? Reduction.dot(gz, xhat, m) : 0
    // P(gz) = gz − a₀ − x̂·a₁.
    let (a0, a1) = (Float(sumGz / md), Float(sumGzX / md))
    var (pu0, pu1, cx, cu, ch) = (Float(0), Float(0), Float(0), Float(0), Float(0))
    if let u {
      let sumU = Reduction.sum(u, m)
      let sumUX = Reduction.dot(u, xhat, m)
      let sumUGz = Reduction.dot(u, gz, m)
      // With h = γ·gz: K = γ(Σ u·gz − Σu·Σgz/m), A = Σ u·x̂, B = γ·Σ gz·x̂.
      let k = Double(gamma) * (sumUGz - sumU * sumGz / md)
      let (a, b) = (sumUX, Double(gamma) * sumGzX)
      let scale = Double(s) * Double(s) / md
      (pu0, pu1) = (Float(sumU / md), Float(sumUX / md))
      // ∂x = cx·x̂ + cu·P(u) + ch·P(gz), before the u_γ term.
      cx = Float(-scale * (k - a * b / md))
      cu = Float(-scale * b)
      ch = Float(-scale * a * Double(gamma))
      // ∂γ partial: Σ s·P(u)·gz = s·(Σ u·gz − ū·Σ gz − (Σ u·x̂/m)·Σ gz·x̂).
      out.gamma.base[plane] = Double(s) * (sumUGz - sumU * sumGz / md - sumUX * sumGzX / md)
    }
    ch += uGamma * s
    let k = Coefficients(
      a0: a0, a1: a1, pu0: pu0, pu1: pu1, cx: cx, cu: cu, ch: ch, gs: gamma * s,
      uGamma: uGamma, uBeta: uBeta, gamma: gamma, beta: beta)
    let dx = out.x.map { $0.base + plane * m }
    var i = 0
    while i + 8 <= m {
      k.apply8(i, xhat: xhat, gz: gz, u: u, dx: dx, dgz: dgz)
      i += 8
    }
    while i < m {
      k.apply1(i, xhat: xhat, gz: gz, u: u, dx: dx, dgz: dgz)
      i += 1
    }
    let dst = out.gy.base + plane * oh * ow
    if pool {
      for oy in 0..<oh {
        let (r0, r1) = (dgz + 2 * oy * w, dgz + (2 * oy + 1) * w)
        for ix in 0..<w { spread[ix] = r0[ix] + r1[ix] }
        for ox in 0..<ow { dst[oy * ow + ox] = 0.25 * (spread[2 * ox] + spread[2 * ox + 1]) }
      }
    } else {
      dst.update(from: dgz, count: m)
    }
  }
}

extension PlaneAdjoint {
  /// The per-element part of pass 2: with x̂, gz (and u) of the plane,
  ///   ∂x = cx·x̂ + cu·P(u) + ch·P(gz),  ∂gz = mask ⊙ (u_γ·x̂ + u_β + γ·s·P(u)),
  /// P(gz) = gz − a0 − x̂·a1 and P(u) = u − pu0 − x̂·pu1; the mask is the forward's
  /// x̂·γ + β > 0, the same arithmetic as `gateRow`. Concrete 8-lane code: generic SIMD
  /// arithmetic is not inlined and runs several times slower.
  struct Coefficients {
    let a0, a1, pu0, pu1, cx, cu, ch, gs, uGamma, uBeta, gamma, beta: Float

    /// Elements i ..< i + 8.
    @inline(__always)
    func apply8(
      _ i: Int, xhat: UnsafePointer<Float>, gz: UnsafePointer<Float>, u: UnsafePointer<Float>?,
      dx: UnsafeMutablePointer<Float>?, dgz: UnsafeMutablePointer<Float>
    ) {
      typealias Lanes = SIMD8<Float>
      let xh = UnsafeRawPointer(xhat + i).loadUnaligned(as: Lanes.self)
      let g = UnsafeRawPointer(gz + i).loadUnaligned(as: Lanes.self)
      let pgz = g - Lanes(repeating: a0) - xh * Lanes(repeating: a1)
      var d = xh * Lanes(repeating: uGamma) + Lanes(repeating: uBeta)
      var grad = pgz * Lanes(repeating: ch)
      if let u {
        let uv = UnsafeRawPointer(u + i).loadUnaligned(as: Lanes.self)
        let pu = uv - Lanes(repeating: pu0) - xh * Lanes(repeating: pu1)
        d += pu * Lanes(repeating: gs)
        grad += xh * Lanes(repeating: cx) + pu * Lanes(repeating: cu)
      }
      if let dx { UnsafeMutableRawPointer(dx + i).storeBytes(of: grad, as: Lanes.self) }
      let open = xh * Lanes(repeating: gamma) + Lanes(repeating: beta) .> Lanes(repeating: 0)
      let gated = Lanes(repeating: 0).replacing(with: d, where: open)
      UnsafeMutableRawPointer(dgz + i).storeBytes(of: gated, as: Lanes.self)
    }

    /// Element i.
    @inline(__always)
    func apply1(
      _ i: Int, xhat: UnsafePointer<Float>, gz: UnsafePointer<Float>, u: UnsafePointer<Float>?,
      dx: UnsafeMutablePointer<Float>?, dgz: UnsafeMutablePointer<Float>
    ) {
      let xh = xhat[i]
      let pgz = gz[i] - a0 - xh * a1
      var d = xh * uGamma + uBeta
      var grad = pgz * ch
      if let u {
        let pu = u[i] - pu0 - xh * pu1
        d += pu * gs
        grad += xh * cx + pu * cu
      }
      dx?[i] = grad
      dgz[i] = xh * gamma + beta > 0 ? d : 0
    }
  }
}

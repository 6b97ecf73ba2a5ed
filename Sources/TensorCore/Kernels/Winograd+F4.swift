/// F(4×4, 3×3) (Lavin & Gray 2016, interpolation points 0, ±1, ±2, ∞): 6×6 input tiles,
/// 36 GEMMs per block, 2.25 multiplications per output against F(2×2)'s 4 and the direct
/// convolution's 9. Each transform is a row stage then the same 1-D map on columns:
///   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0;
///         0 4 0 −5 0 1]
///   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
///   G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1]
/// Its larger coefficients cost some Float accuracy (errors grow ≈ 10× over F(2×2)), which
/// the layers it serves (see `WinogradKernel.tileSize`) absorb.
extension WinogradKernel {
  typealias Six<V> = (V, V, V, V, V, V)
  typealias Four<V> = (V, V, V, V)

  /// Bᵀ d for one 6-vector d.
  @inline(__always)
  static func inputMap<V: SIMD>(_ d: Six<V>) -> Six<V> where V.Scalar == Float {
    let (four, five): (V.Scalar, V.Scalar) = (4, 5)
    let (d0, d1, d2, d3, d4, d5) = d
    let (s12, s34) = (d1 + d2, d3 + d4)
    let (a13, a24) = (d1 - d3, d4 - d2)
    return (
      four * d0 - five * d2 + d4, s34 - four * s12, four * (d1 - d2) + (d4 - d3),
      a24 - 2 * a13, a24 + 2 * a13, four * d1 - five * d3 + d5
    )
  }

  /// Aᵀ m for one 6-vector m.
  @inline(__always)
  static func outputMap<V: SIMD>(_ m: Six<V>) -> Four<V> where V.Scalar == Float {
    let (m0, m1, m2, m3, m4, m5) = m
    let (s12, d12, s34, d34) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4)
    return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
  }

  /// A y for one 4-vector y (the adjoint of `outputMap`).
  @inline(__always)
  static func gradientMap<V: SIMD>(_ y: Four<V>) -> Six<V> where V.Scalar == Float {
    let (y0, y1, y2, y3) = y
    let (e1, o1) = (y0 + y2, y1 + y3)
    let (e2, o2) = (y0 + 4 * y2, 2 * y1 + 8 * y3)
    return (y0, e1 + o1, e1 - o1, e2 + o2, e2 - o2, y3)
  }

  /// B v for one 6-vector v (the adjoint of `inputMap`).
  @inline(__always)
  static func adjointMap<V: SIMD>(_ v: Six<V>) -> Six<V> where V.Scalar == Float {
    let (four, five): (V.Scalar, V.Scalar) = (4, 5)
    let (v0, v1, v2, v3, v4, v5) = v
    let (d12, d34) = (v2 - v1, v4 - v3)
    return (
      four * v0, four * (d12 + v5) + 2 * d34, -(five * v0 + four * (v1 + v2) + v3 + v4),
      -(d12 + 2 * d34 + five * v5), v0 + v1 + v2 + v3 + v4, v5
    )
  }

  /// Bᵀ d B for n tiles whose 6×6 values are the staging rows (row 6r + j holds (r, j)).
  @inline(__always)
  static func inputChunk4<V: SIMD>(
    _: V.Type, _ rows: UnsafePointer<Float>, _ rowStride: Int,
    _ dst: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    separable6(V.self, rows, rowStride, dst, stride, n, adjoint: false)
  }

  /// Aᵀ M A + b for n tiles, into the 16 staging rows (row 4a + b holds output (a, b)).
  @inline(__always)
  static func outputChunk4<V: SIMD>(
    _: V.Type, _ m: UnsafePointer<Float>, _ stride: Int, _ b: Float,
    _ rows: UnsafeMutablePointer<Float>, _ rowStride: Int, _ n: Int
  ) where V.Scalar == Float {
    let c = (
      outputMap(loadSix(V.self, m, 6 * stride)), outputMap(loadSix(V.self, m + stride, 6 * stride)),
      outputMap(loadSix(V.self, m + 2 * stride, 6 * stride)),
      outputMap(loadSix(V.self, m + 3 * stride, 6 * stride)),
      outputMap(loadSix(V.self, m + 4 * stride, 6 * stride)),
      outputMap(loadSix(V.self, m + 5 * stride, 6 * stride))
    )
    let bias = V(repeating: b)
    func store(_ a: Int, _ r: Six<V>) {
      let y = outputMap(r)
      let out = rows + 4 * a * rowStride
      WinogradKernel.store(y.0 + bias, out, n)
      WinogradKernel.store(y.1 + bias, out + rowStride, n)
      WinogradKernel.store(y.2 + bias, out + 2 * rowStride, n)
      WinogradKernel.store(y.3 + bias, out + 3 * rowStride, n)
    }
    store(0, (c.0.0, c.1.0, c.2.0, c.3.0, c.4.0, c.5.0))
    store(1, (c.0.1, c.1.1, c.2.1, c.3.1, c.4.1, c.5.1))
    store(2, (c.0.2, c.1.2, c.2.2, c.3.2, c.4.2, c.5.2))
    store(3, (c.0.3, c.1.3, c.2.3, c.3.3, c.4.3, c.5.3))
  }

  /// A dY Aᵀ for n tiles whose 4×4 values are the staging rows (row 4a + b holds (a, b)).
  @inline(__always)
  static func gradientChunk4<V: SIMD>(
    _: V.Type, _ rows: UnsafePointer<Float>, _ rowStride: Int,
    _ dst: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    let (c0, c1, c2, c3) = (
      gradientMap(loadFour(V.self, rows, 4 * rowStride)),
      gradientMap(loadFour(V.self, rows + rowStride, 4 * rowStride)),
      gradientMap(loadFour(V.self, rows + 2 * rowStride, 4 * rowStride)),
      gradientMap(loadFour(V.self, rows + 3 * rowStride, 4 * rowStride))
    )
    storeSix(gradientMap((c0.0, c1.0, c2.0, c3.0)), dst, stride, n)
    storeSix(gradientMap((c0.1, c1.1, c2.1, c3.1)), dst + 6 * stride, stride, n)
    storeSix(gradientMap((c0.2, c1.2, c2.2, c3.2)), dst + 12 * stride, stride, n)
    storeSix(gradientMap((c0.3, c1.3, c2.3, c3.3)), dst + 18 * stride, stride, n)
    storeSix(gradientMap((c0.4, c1.4, c2.4, c3.4)), dst + 24 * stride, stride, n)
    storeSix(gradientMap((c0.5, c1.5, c2.5, c3.5)), dst + 30 * stride, stride, n)
  }

  /// B dV Bᵀ for n tiles, into the 36 staging rows (row 6r + q holds tile element (r, q)).
  @inline(__always)
  static func adjointChunk4<V: SIMD>(
    _: V.Type, _ dv: UnsafePointer<Float>, _ stride: Int,
    _ z: UnsafeMutablePointer<Float>, _ zStride: Int, _ n: Int
  ) where V.Scalar == Float {
    separable6(V.self, dv, stride, z, zStride, n, adjoint: true)
  }

  /// M d Mᵀ for n tiles of 6×6 values, M = Bᵀ (`inputMap`) or, with `adjoint`, B
  /// (`adjointMap`): element (r, j) of each tile at src + (6r + j)·srcStride, result element
  /// (i, k) to dst + (6i + k)·dstStride. `adjoint` is a constant at both call sites, so the
  /// branch folds away once inlined.
  @inline(__always)
  static func separable6<V: SIMD>(
    _: V.Type, _ src: UnsafePointer<Float>, _ srcStride: Int,
    _ dst: UnsafeMutablePointer<Float>, _ dstStride: Int, _ n: Int, adjoint: Bool
  ) where V.Scalar == Float {
    @inline(__always) func map(_ v: Six<V>) -> Six<V> { adjoint ? adjointMap(v) : inputMap(v) }
    // Columns first (over r), then rows (over j).
    let c0 = map(loadSix(V.self, src, 6 * srcStride))
    let c1 = map(loadSix(V.self, src + srcStride, 6 * srcStride))
    let c2 = map(loadSix(V.self, src + 2 * srcStride, 6 * srcStride))
    let c3 = map(loadSix(V.self, src + 3 * srcStride, 6 * srcStride))
    let c4 = map(loadSix(V.self, src + 4 * srcStride, 6 * srcStride))
    let c5 = map(loadSix(V.self, src + 5 * srcStride, 6 * srcStride))
    storeSix(map((c0.0, c1.0, c2.0, c3.0, c4.0, c5.0)), dst, dstStride, n)
    storeSix(map((c0.1, c1.1, c2.1, c3.1, c4.1, c5.1)), dst + 6 * dstStride, dstStride, n)
    storeSix(map((c0.2, c1.2, c2.2, c3.2, c4.2, c5.2)), dst + 12 * dstStride, dstStride, n)
    storeSix(map((c0.3, c1.3, c2.3, c3.3, c4.3, c5.3)), dst + 18 * dstStride, dstStride, n)
    storeSix(map((c0.4, c1.4, c2.4, c3.4, c4.4, c5.4)), dst + 24 * dstStride, dstStride, n)
    storeSix(map((c0.5, c1.5, c2.5, c3.5, c4.5, c5.5)), dst + 30 * dstStride, dstStride, n)
  }

  /// The vectors at p, p + stride, …, p + 5·stride.
  @inline(__always)
  static func loadSix<V: SIMD>(_: V.Type, _ p: UnsafePointer<Float>, _ stride: Int) -> Six<V>
  where V.Scalar == Float {
    (
      load(V.self, p), load(V.self, p + stride), load(V.self, p + 2 * stride),
      load(V.self, p + 3 * stride), load(V.self, p + 4 * stride), load(V.self, p + 5 * stride)
    )
  }

  /// The vectors at p, p + stride, p + 2·stride, p + 3·stride.
  @inline(__always)
  static func loadFour<V: SIMD>(_: V.Type, _ p: UnsafePointer<Float>, _ stride: Int) -> Four<V>
  where V.Scalar == Float {
    (
      load(V.self, p), load(V.self, p + stride), load(V.self, p + 2 * stride),
      load(V.self, p + 3 * stride)
    )
  }

  /// Stores the six vectors of `r` at out, out + stride, …, out + 5·stride.
  @inline(__always)
  static func storeSix<V: SIMD>(
    _ r: Six<V>, _ out: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    store(r.0, out, n)
    store(r.1, out + stride, n)
    store(r.2, out + 2 * stride, n)
    store(r.3, out + 3 * stride, n)
    store(r.4, out + 4 * stride, n)
    store(r.5, out + 5 * stride, n)
  }
}

// MARK: - Filters

extension WinogradKernel {
  /// G g for the 3-vectors g = (g0, g1, g2), lane by lane.
  @inline(__always)
  static func filterMap<V: SIMD>(_ g0: V, _ g1: V, _ g2: V) -> Six<V> where V.Scalar == Float {
    let (s, e) = (g0 + g2, g0 / 24 + g2 / 6)
    return (g0 / 4, (s + g1) / -6, (s - g1) / -6, e + g1 / 12, e - g1 / 12, g2)
  }

  /// Gᵀ u for the 6-vectors u, lane by lane (the adjoint of `filterMap`).
  @inline(__always)
  static func filterAdjointMap<V: SIMD>(_ u: Six<V>) -> (V, V, V) where V.Scalar == Float {
    let (s12, s34) = (u.1 + u.2, u.3 + u.4)
    return (u.0 / 4 - s12 / 6 + s34 / 24, (u.2 - u.1) / 6 + (u.3 - u.4) / 12, (s34 - s12) / 6 + u.5)
  }

  /// U = G g Gᵀ of one filter (9 floats at f), element p = 6i + j at out[p · stride].
  @inline(__always)
  static func filterTile4(
    _ f: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
  ) {
    // G over the rows (lanes: the filter's columns), then G over the columns with the
    // transformed rows i as lanes.
    let t = filterMap(
      SIMD4(f[0], f[1], f[2], 0), SIMD4(f[3], f[4], f[5], 0), SIMD4(f[6], f[7], f[8], 0))
    func lanes(_ q: Int) -> SIMD8<Float> {
      SIMD8(t.0[q], t.1[q], t.2[q], t.3[q], t.4[q], t.5[q], 0, 0)
    }
    let u = filterMap(lanes(0), lanes(1), lanes(2))
    for i in 0..<6 {
      let row = out + 6 * i * stride
      row[0] = u.0[i]
      row[stride] = u.1[i]
      row[2 * stride] = u.2[i]
      row[3 * stride] = u.3[i]
      row[4 * stride] = u.4[i]
      row[5 * stride] = u.5[i]
    }
  }

  /// dg = Gᵀ dU G of one filter, dU element p = 6i + j at du[p · stride]; 9 floats to out.
  @inline(__always)
  static func filterTileAdjoint4(
    _ du: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
  ) {
    // Gᵀ over the columns j (lanes: the rows i), then Gᵀ over the rows (lanes: columns q).
    func column(_ j: Int) -> SIMD8<Float> {
      var v = SIMD8<Float>()
      for i in 0..<6 { v[i] = du[(6 * i + j) * stride] }
      return v
    }
    let w = filterAdjointMap((column(0), column(1), column(2), column(3), column(4), column(5)))
    func row(_ i: Int) -> SIMD4<Float> { SIMD4(w.0[i], w.1[i], w.2[i], 0) }
    let g = filterAdjointMap((row(0), row(1), row(2), row(3), row(4), row(5)))
    for q in 0..<3 {
      out[q] = g.0[q]
      out[3 + q] = g.1[q]
      out[6 + q] = g.2[q]
    }
  }
}

/// The filter transform U = G g Gᵀ and its adjoint dg = Gᵀ dU G. U is laid out [n², O, C]:
/// element p = n·i + j of filter (o, c) at p · O · C + o · C + c. For F(2×2, 3×3),
///   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1];
/// for F(4×4, 3×3) see Winograd+F4.swift.
extension WinogradKernel {
  /// U = G g Gᵀ for every filter of w ([O, C, 3, 3]), from `WinogradFilterCache` when w
  /// was transformed lately.
  static func filterTransform(_ w: NDArray, _ t: WinogradTiling) -> [Float] {
    WinogradFilterCache.shared.transformed(w, tile: t.m) { computeFilterTransform(w, t) }
  }

  private static func computeFilterTransform(_ w: NDArray, _ t: WinogradTiling) -> [Float] {
    let count = t.geometry.outChannels * t.geometry.inChannels
    var u = [Float](repeating: 0, count: t.points * count)
    w.data.withUnsafeBufferPointer { pw in
      u.withUnsafeMutableBufferPointer { pu in
        let (pw, pu) = (SharedPointer(readOnly: pw.baseAddress!), SharedPointer(pu.baseAddress!))
        Parallel.forEachRange(count, costPerItem: 4 * t.points) { range in
          for k in range {
            if t.m == 4 {
              filterTile4(pw.base + 9 * k, pu.base + k, count)
            } else {
              filterTile2(pw.base + 9 * k, pu.base + k, count)
            }
          }
        }
      }
    }
    return u
  }

  /// dg = Gᵀ dU G for dU laid out [n², O, C] (the first n²·O·C floats of `du`): [O, C, 3, 3].
  static func filterAdjoint(_ du: [Float], _ t: WinogradTiling) -> [Float] {
    let count = t.geometry.outChannels * t.geometry.inChannels
    var dg = [Float](repeating: 0, count: 9 * count)
    du.withUnsafeBufferPointer { pd in
      dg.withUnsafeMutableBufferPointer { pg in
        let (pd, pg) = (SharedPointer(readOnly: pd.baseAddress!), SharedPointer(pg.baseAddress!))
        Parallel.forEachRange(count, costPerItem: 4 * t.points) { range in
          for k in range {
            if t.m == 4 {
              filterTileAdjoint4(pd.base + k, pg.base + 9 * k, count)
            } else {
              filterTileAdjoint2(pd.base + k, pg.base + 9 * k, count)
            }
          }
        }
      }
    }
    return dg
  }

  /// F(2×2) U = G g Gᵀ of one filter (9 floats at f), element p = 4i + j at out[p · stride].
  @inline(__always)
  private static func filterTile2(
    _ f: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
  ) {
    let g0 = SIMD4<Float>(f[0], f[1], f[2], 0)
    let g1 = SIMD4<Float>(f[3], f[4], f[5], 0)
    let g2 = SIMD4<Float>(f[6], f[7], f[8], 0)
    storeFilterRow(g0, out, stride)
    storeFilterRow(0.5 * (g0 + g1 + g2), out + 4 * stride, stride)
    storeFilterRow(0.5 * (g0 - g1 + g2), out + 8 * stride, stride)
    storeFilterRow(g2, out + 12 * stride, stride)
  }

  /// F(2×2) dg = Gᵀ dU G of one filter, dU element p = 4i + j at du[p · stride].
  @inline(__always)
  private static func filterTileAdjoint2(
    _ du: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
  ) {
    // Q = Gᵀ dU, one column j at a time, then dg = Q G per row.
    var q0 = SIMD4<Float>()
    var q1 = SIMD4<Float>()
    var q2 = SIMD4<Float>()
    for j in 0..<4 {
      let d0 = du[j * stride]
      let d1 = du[(4 + j) * stride]
      let d2 = du[(8 + j) * stride]
      let d3 = du[(12 + j) * stride]
      q0[j] = d0 + 0.5 * (d1 + d2)
      q1[j] = 0.5 * (d1 - d2)
      q2[j] = 0.5 * (d1 + d2) + d3
    }
    storeAdjointRow(q0, out)
    storeAdjointRow(q1, out + 3)
    storeAdjointRow(q2, out + 6)
  }

  /// One row r = (a, b, d, ·) of G g: stores r Gᵀ = (a, ½(a + b + d), ½(a − b + d), d).
  @inline(__always)
  private static func storeFilterRow(
    _ r: SIMD4<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
  ) {
    out[0] = r[0]
    out[stride] = 0.5 * (r[0] + r[1] + r[2])
    out[2 * stride] = 0.5 * (r[0] - r[1] + r[2])
    out[3 * stride] = r[2]
  }

  /// One row q of Gᵀ dU: stores q G = (q₀ + ½(q₁ + q₂), ½(q₁ − q₂), ½(q₁ + q₂) + q₃).
  @inline(__always)
  private static func storeAdjointRow(_ q: SIMD4<Float>, _ out: UnsafeMutablePointer<Float>) {
    out[0] = q[0] + 0.5 * (q[1] + q[2])
    out[1] = 0.5 * (q[1] - q[2])
    out[2] = 0.5 * (q[1] + q[2]) + q[3]
  }
}

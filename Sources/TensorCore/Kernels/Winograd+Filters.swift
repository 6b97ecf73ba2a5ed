/// The F(2×2, 3×3) filter transform U = G g Gᵀ and its adjoint dg = Gᵀ dU G, with
///   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
/// U is laid out [16, O, C]: element p = 4i + j of filter (o, c) at p · O · C + o · C + c.
extension WinogradKernel {
  /// U = G g Gᵀ for every filter of w ([O, C, 3, 3]).
  static func filterTransform(_ w: NDArray, _ g: ConvGeometry) -> [Float] {
    let count = g.outChannels * g.inChannels
    var u = [Float](repeating: 0, count: 16 * count)
    w.data.withUnsafeBufferPointer { pw in
      u.withUnsafeMutableBufferPointer { pu in
        let (pw, pu) = (SharedConstPointer(pw.baseAddress!), SharedPointer(pu.baseAddress!))
        Parallel.forEachRange(count, costPerItem: 64) { range in
          for k in range {
            let f = pw.base + 9 * k
            let g0 = SIMD4<Float>(f[0], f[1], f[2], 0)
            let g1 = SIMD4<Float>(f[3], f[4], f[5], 0)
            let g2 = SIMD4<Float>(f[6], f[7], f[8], 0)
            let out = pu.base + k
            storeFilterRow(g0, out, count)
            storeFilterRow(0.5 * (g0 + g1 + g2), out + 4 * count, count)
            storeFilterRow(0.5 * (g0 - g1 + g2), out + 8 * count, count)
            storeFilterRow(g2, out + 12 * count, count)
          }
        }
      }
    }
    return u
  }

  /// dg = Gᵀ dU G for dU laid out [16, O, C] (the first 16·O·C floats of `du`): [O, C, 3, 3].
  static func filterAdjoint(_ du: [Float], _ g: ConvGeometry) -> [Float] {
    let count = g.outChannels * g.inChannels
    var dg = [Float](repeating: 0, count: 9 * count)
    du.withUnsafeBufferPointer { pd in
      dg.withUnsafeMutableBufferPointer { pg in
        let (pd, pg) = (SharedConstPointer(pd.baseAddress!), SharedPointer(pg.baseAddress!))
        Parallel.forEachRange(count, costPerItem: 64) { range in
          for k in range {
            // Q = Gᵀ dU, one column j at a time, then dg = Q G per row.
            var q0 = SIMD4<Float>()
            var q1 = SIMD4<Float>()
            var q2 = SIMD4<Float>()
            for j in 0..<4 {
              let d0 = pd.base[j * count + k]
              let d1 = pd.base[(4 + j) * count + k]
              let d2 = pd.base[(8 + j) * count + k]
              let d3 = pd.base[(12 + j) * count + k]
              q0[j] = d0 + 0.5 * (d1 + d2)
              q1[j] = 0.5 * (d1 - d2)
              q2[j] = 0.5 * (d1 + d2) + d3
            }
            let out = pg.base + 9 * k
            storeAdjointRow(q0, out)
            storeAdjointRow(q1, out + 3)
            storeAdjointRow(q2, out + 6)
          }
        }
      }
    }
    return dg
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

/// Per-plane standardisation for instance normalisation.
enum NormKernel {
  /// For x [N, C, H, W]: x̂ = (x − μ) · s with μ, σ² the mean and biased variance of each
  /// H×W plane and s = 1/√(σ² + ε). Returns x̂ and s [N, C, 1, 1]. Statistics are
  /// accumulated in Double (two passes), so large planes lose no precision.
  static func standardize(_ x: NDArray, eps: Float) -> (NDArray, NDArray) {
    let planes = x.shape[0] * x.shape[1]
    let m = x.count / max(planes, 1)
    var scales = [Float](repeating: 0, count: planes)
    let data = makeArray(count: x.count) { out in
      let o = SharedPointer(out.baseAddress!)
      scales.withUnsafeMutableBufferPointer { ps in
        let s = SharedPointer(ps.baseAddress!)
        x.data.withUnsafeBufferPointer { px in
          Parallel.forEachRange(planes, costPerItem: 3 * m) { range in
            for plane in range {
              let src = px.baseAddress! + plane * m
              var total = 0.0
              for i in 0..<m { total += Double(src[i]) }
              let mean = total / Double(m)
              var squares = 0.0
              for i in 0..<m {
                let d = Double(src[i]) - mean
                squares += d * d
              }
              let scale = Float(1 / (squares / Double(m) + Double(eps)).squareRoot())
              let mu = Float(mean)
              let dst = o.base + plane * m
              for i in 0..<m { dst[i] = (src[i] - mu) * scale }
              s[plane] = scale
            }
          }
        }
      }
    }
    let shape = [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)
    return (NDArray(shape: x.shape, data: data), NDArray(shape: shape, data: scales))
  }
}

extension NormKernel {
  /// The adjoint of `standardize` in one pass per plane:
  /// ∂x = s ⊙ (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)), with the means over each plane.
  static func standardizeBackward(_ g: NDArray, normalized xhat: NDArray, inverseStd s: NDArray)
    -> NDArray
  {
    let planes = s.count
    let m = g.count / max(planes, 1)
    let data = makeArray(count: g.count) { out in
      let o = SharedPointer(out.baseAddress!)
      g.data.withUnsafeBufferPointer { pg in
        xhat.data.withUnsafeBufferPointer { px in
          Parallel.forEachRange(planes, costPerItem: 3 * m) { range in
            for plane in range {
              let gp = pg.baseAddress! + plane * m
              let xp = px.baseAddress! + plane * m
              var sumG = 0.0
              var sumGX = 0.0
              for i in 0..<m {
                sumG += Double(gp[i])
                sumGX += Double(gp[i]) * Double(xp[i])
              }
              let meanG = Float(sumG / Double(m))
              let meanGX = Float(sumGX / Double(m))
              let scale = s.data[plane]
              let dst = o.base + plane * m
              for i in 0..<m { dst[i] = scale * (gp[i] - meanG - xp[i] * meanGX) }
            }
          }
        }
      }
    }
    return NDArray(shape: g.shape, data: data)
  }
}

extension NDArray {
  /// The adjoint of `standardizedPlanes` given its outputs; see `NormKernel`.
  public static func standardizedPlanesBackward(
    _ g: NDArray, normalized: NDArray, inverseStd: NDArray
  ) -> NDArray {
    NormKernel.standardizeBackward(g, normalized: normalized, inverseStd: inverseStd)
  }

  /// Instance standardisation over all axes after the first two; see `NormKernel`.
  /// - Returns: x̂ (same shape) and the inverse standard deviations [N, C, 1, …].
  public func standardizedPlanes(eps: Float) -> (normalized: NDArray, inverseStd: NDArray) {
    precondition(rank >= 3, "standardizedPlanes needs [N, C, …], got \(shape)")
    return NormKernel.standardize(self, eps: eps)
  }
}

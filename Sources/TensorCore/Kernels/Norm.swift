/// Per-plane standardisation for instance normalisation.
enum NormKernel {
  /// For x [N, C, H, W]: x̂ = (x − μ) · s with μ, σ² the mean and biased variance of each
  /// H×W plane and s = 1/√(σ² + ε). Returns x̂ and s [N, C, 1, 1]. Two passes (the variance
  /// of centred values, no cancellation); each sum runs in 16 Float lanes of at most 64
  /// terms per block, the blocks added in Double, so large planes lose no precision.
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
              let mean = Reduction.sum(src, m) / Double(m)
              let mu = Float(mean)
              let squares = Reduction.centeredSquares(src, m, mu)
              let scale = Float(1 / (squares / Double(m) + Double(eps)).squareRoot())
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
              let sumG = Reduction.sum(gp, m)
              let sumGX = Reduction.dot(gp, xp, m)
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

/// Vectorised plane reductions: 16 Float lanes over blocks of 64 elements, blocks summed in
/// Double (a serial Double accumulator cannot vectorise and would bottleneck the norm kernels).
enum Reduction {
  typealias Lanes = SIMD16<Float>
  static let block = 64

  static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Lanes {
    UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
  }

  /// Σ p[i] for i < m.
  static func sum(_ p: UnsafePointer<Float>, _ m: Int) -> Double {
    blocks(m) { i in
      load(p, i)
    } tail: { i in
      p[i]
    }
  }

  /// Σ (p[i] − mean)².
  static func centeredSquares(_ p: UnsafePointer<Float>, _ m: Int, _ mean: Float) -> Double {
    let mu = Lanes(repeating: mean)
    return blocks(m) { i in
      let d = load(p, i) - mu
      return d * d
    } tail: { i in
      (p[i] - mean) * (p[i] - mean)
    }
  }

  /// Σ a[i] b[i].
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ m: Int) -> Double {
    blocks(m) { i in
      load(a, i) * load(b, i)
    } tail: { i in
      a[i] * b[i]
    }
  }

  @inline(__always)
  private static func blocks(
    _ m: Int, _ lanes: (Int) -> Lanes, tail: (Int) -> Float
  ) -> Double {
    var total = 0.0
    var i = 0
    while i + Lanes.scalarCount <= m {
      var acc = Lanes(repeating: 0)
      let end = min(m - Lanes.scalarCount, i + block - Lanes.scalarCount)
      while i <= end {
        acc += lanes(i)
        i += Lanes.scalarCount
      }
      total += Double(acc.sum())
    }
    while i < m {
      total += Double(tail(i))
      i += 1
    }
    return total
  }
}

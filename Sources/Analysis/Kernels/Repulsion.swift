import TensorCore

/// The repulsive half of the t-SNE gradient: for every point i the unnormalised force
/// Σⱼ≠ᵢ wᵢⱼ² (yᵢ − yⱼ), and the normaliser Z = Σᵢ≠ⱼ wᵢⱼ, wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²).
/// The gradient's repulsive term is then −4 · force / Z (van der Maaten 2014, eq. 3–4).
protocol Repulsion {
  /// Writes the forces into `forces` ([N · dimensions]) and returns Z (exact or estimated).
  mutating func forces(_ y: [Double], into forces: inout [Double]) -> Double
}

/// All pairs, O(N²) per call, any dimension.
struct ExactRepulsion: Repulsion {
  let dimensions: Int

  mutating func forces(_ y: [Double], into forces: inout [Double]) -> Double {
    let dim = dimensions
    let n = y.count / dim
    var rowZ = [Double](repeating: 0, count: n)
    forces.withSharedPointer { out in
      rowZ.withSharedPointer { z in
        y.withReadOnlyPointer { points in
          Parallel.forEachRange(n, costPerItem: 8 * n) { range in
            for i in range {
              for c in 0..<dim { out[i * dim + c] = 0 }
              var sum = 0.0
              for j in 0..<n where j != i {
                var d2 = 0.0
                for c in 0..<dim {
                  let diff = points[i * dim + c] - points[j * dim + c]
                  d2 += diff * diff
                }
                let w = 1 / (1 + d2)
                sum += w
                for c in 0..<dim {
                  out[i * dim + c] += w * w * (points[i * dim + c] - points[j * dim + c])
                }
              }
              z[i] = sum
            }
          }
        }
      }
    }
    return orderedSum(rowZ)
  }

  /// Z = Σᵢ≠ⱼ wᵢⱼ alone (the exact normaliser the reported KL divergence uses for small N).
  static func normalizer(_ y: [Double], dimensions dim: Int) -> Double {
    let n = y.count / dim
    let rows: [Double] = y.withReadOnlyPointer { points in
      return parallelMap(n, cost: 4 * n) { i in
        var sum = 0.0
        for j in 0..<n where j != i {
          var d2 = 0.0
          for c in 0..<dim {
            let diff = points[i * dim + c] - points[j * dim + c]
            d2 += diff * diff
          }
          sum += 1 / (1 + d2)
        }
        return sum
      }
    }
    return orderedSum(rows)
  }
}

import Foundation
import TensorCore

/// The attractive half of the t-SNE gradient and of KL(P ‖ Q), over the stored pᵢⱼ only.
///
/// With the Student-t kernel wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²) and Z = Σₖ≠ₗ wₖₗ, van der Maaten &
/// Hinton's eq. 5 reads ∂C/∂yᵢ = 4 Σⱼ (pᵢⱼ − wᵢⱼ / Z) wᵢⱼ (yᵢ − yⱼ): this file computes the
/// pᵢⱼ wᵢⱼ (yᵢ − yⱼ) sum, which only touches the sparse P (van der Maaten 2014, §4.1).
enum Attraction {
  /// P packed for the gradient: per stored entry its column and pᵢⱼ in Float, 8 bytes in one
  /// stream (the attraction reads every entry every step and is bound by memory traffic; a
  /// Float pᵢⱼ is exact to 6e-8, far below the repulsion methods' error).
  struct Entries {
    struct Entry {
      var column: Int32
      var value: Float
    }

    let count: Int
    let rowStarts: [Int]
    let entries: [Entry]

    init(_ p: AffinityMatrix) {
      count = p.count
      rowStarts = p.rowStarts
      entries = zip(p.columns, p.values).map { Entry(column: $0, value: Float($1)) }
    }
  }

  /// `gradient[i] = scale · Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ)` for every point (overwrites `gradient`).
  /// - Parameters:
  ///   - y: [N · dimensions] row-major embedding.
  ///   - gradient: [N · dimensions], written row by row (one row per point, so the sums
  ///     never depend on the thread count).
  static func forces(
    _ p: Entries, _ y: [Double], dimensions dim: Int, scale: Double,
    into gradient: inout [Double]
  ) {
    gradient.withSharedPointer { out in
      y.withReadOnlyPointer { py in
        p.entries.withReadOnlyPointer { pe in
          let average = max(1, p.entries.count / max(1, p.count))
          Parallel.forEachRange(p.count, costPerItem: 8 * average) { range in
            for i in range {
              let span = p.rowStarts[i]..<p.rowStarts[i + 1]
              if dim == 2 {
                row2(i, span, py.base, pe.base, scale, out.base)
              } else {
                row(i, span, dim, py.base, pe.base, scale, out.base)
              }
            }
          }
        }
      }
    }
  }

  /// One row in 2-D: four entries at a time in SIMD lanes (gathered coordinates, one
  /// vector division), the remainder one by one; the order is fixed by the row alone.
  @inline(__always)
  private static func row2(
    _ i: Int, _ span: Range<Int>, _ y: UnsafePointer<Double>, _ p: UnsafePointer<Entries.Entry>,
    _ scale: Double, _ out: UnsafeMutablePointer<Double>
  ) {
    typealias Lanes = SIMD4<Double>
    let (xi, yi) = (y[2 * i], y[2 * i + 1])
    var (sx, sy) = (Lanes(), Lanes())
    var e = span.lowerBound
    while e + 4 <= span.upperBound {
      let (j0, j1) = (2 * Int(p[e].column), 2 * Int(p[e + 1].column))
      let (j2, j3) = (2 * Int(p[e + 2].column), 2 * Int(p[e + 3].column))
      let dx = Lanes(repeating: xi) - Lanes(y[j0], y[j1], y[j2], y[j3])
      let dy = Lanes(repeating: yi) - Lanes(y[j0 + 1], y[j1 + 1], y[j2 + 1], y[j3 + 1])
      let weight = Lanes(
        Double(p[e].value), Double(p[e + 1].value), Double(p[e + 2].value),
        Double(p[e + 3].value))
      let f = weight / (1 + dx * dx + dy * dy)
      sx += f * dx
      sy += f * dy
      e += 4
    }
    var (fx, fy) = (sx.sum(), sy.sum())
    while e < span.upperBound {
      let j = Int(p[e].column)
      let (dx, dy) = (xi - y[2 * j], yi - y[2 * j + 1])
      let f = Double(p[e].value) / (1 + dx * dx + dy * dy)
      fx += f * dx
      fy += f * dy
      e += 1
    }
    out[2 * i] = scale * fx
    out[2 * i + 1] = scale * fy
  }

  /// One row in any dimension.
  private static func row(
    _ i: Int, _ span: Range<Int>, _ dim: Int, _ y: UnsafePointer<Double>,
    _ p: UnsafePointer<Entries.Entry>, _ scale: Double, _ out: UnsafeMutablePointer<Double>
  ) {
    for c in 0..<dim { out[i * dim + c] = 0 }
    for e in span {
      let j = Int(p[e].column)
      var d2 = 0.0
      for c in 0..<dim {
        let diff = y[i * dim + c] - y[j * dim + c]
        d2 += diff * diff
      }
      let f = Double(p[e].value) / (1 + d2)
      for c in 0..<dim { out[i * dim + c] += f * (y[i * dim + c] - y[j * dim + c]) }
    }
    for c in 0..<dim { out[i * dim + c] *= scale }
  }

  /// Σᵢⱼ pᵢⱼ log wᵢⱼ over the stored entries, summed per row and then in row order.
  static func logKernelSum(_ p: AffinityMatrix, _ y: [Double], dimensions dim: Int) -> Double {
    let rows: [Double] = parallelMap(p.count, cost: 8 * 60) { i in
      var total = 0.0
      for e in p.rowStarts[i]..<p.rowStarts[i + 1] {
        let j = Int(p.columns[e])
        var d2 = 0.0
        for c in 0..<dim {
          let diff = y[i * dim + c] - y[j * dim + c]
          d2 += diff * diff
        }
        total -= p.values[e] * Foundation.log1p(d2)
      }
      return total
    }
    return orderedSum(rows)
  }
}

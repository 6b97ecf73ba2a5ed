import Foundation
import TensorCore

/// The joint input affinities P of t-SNE as a symmetric sparse matrix (compressed rows).
///
/// pᵢⱼ = (p_{j|i} + p_{i|j}) / 2N, where p_{j|i} ∝ exp(−βᵢ ‖xᵢ − xⱼ‖²) over the neighbours
/// of i, normalised per row, and βᵢ is found by bisection so that the row's entropy
/// H = log Σⱼ e^{−βᵢdⱼ} + βᵢ Σⱼ dⱼ p_{j|i} equals log(perplexity) in nats to within 1e-5
/// (van der Maaten & Hinton 2008, §2; scikit-learn's `_binary_search_perplexity` and
/// `_joint_probabilities_nn`: squared distances rounded to Float, 100 bisection steps from
/// β = 1, the sum divided by its actual total, which is 2N up to rounding). Σᵢⱼ pᵢⱼ = 1.
public struct AffinityMatrix: Sendable, Equatable {
  /// Number of points N.
  public let count: Int
  /// [N + 1]: row i occupies `rowStarts[i] ..< rowStarts[i + 1]`.
  public var rowStarts: [Int]
  /// Column of each stored entry, ascending within a row.
  public var columns: [Int32]
  /// pᵢⱼ of each stored entry.
  public var values: [Double]

  /// pᵢⱼ, 0 when not stored.
  public func value(row i: Int, column j: Int) -> Double {
    for e in rowStarts[i]..<rowStarts[i + 1] where columns[e] == Int32(j) { return values[e] }
    return 0
  }

  /// Σ pᵢⱼ log pᵢⱼ over stored entries (the constant part of KL(P ‖ Q)).
  var negativeEntropy: Double {
    var total = 0.0
    for p in values where p > 0 { total += p * Foundation.log(p) }
    return total
  }
}

/// The perplexity calibration of p_{j|i} (sklearn's constants).
enum PerplexitySearch {
  static let tolerance = 1e-5
  static let steps = 100
  static let floor = 1e-8

  /// p_{j|i} for one row of squared distances, in place of `out`.
  static func conditionalRow(
    _ distances: [Double], perplexity: Double, into out: UnsafeMutablePointer<Double>
  ) {
    let target = Foundation.log(perplexity)
    var (beta, low, high) = (1.0, -Double.infinity, Double.infinity)
    for _ in 0..<steps {
      var sum = 0.0
      for (j, d) in distances.enumerated() {
        out[j] = Foundation.exp(-d * beta)
        sum += out[j]
      }
      if sum == 0 { sum = floor }
      var weighted = 0.0
      for (j, d) in distances.enumerated() {
        out[j] /= sum
        weighted += d * out[j]
      }
      let excess = Foundation.log(sum) + beta * weighted - target
      if abs(excess) <= tolerance { return }
      if excess > 0 {
        low = beta
        beta = high == .infinity ? beta * 2 : (beta + high) / 2
      } else {
        high = beta
        beta = low == -.infinity ? beta / 2 : (beta + low) / 2
      }
    }
  }
}

extension AffinityMatrix {
  /// P from a neighbour graph (see the type's documentation).
  init(graph: NeighborGraph, perplexity: Double) {
    let (n, k) = (graph.count, graph.k)
    // Rows in column order, as sklearn sorts the CSR indices before its search: the sums
    // then add in the same order.
    var order = [Int32](repeating: 0, count: n * k)
    var conditional = [Double](repeating: 0, count: n * k)
    order.withSharedPointer { columns in
      conditional.withSharedPointer { values in
        Parallel.forEachRange(n, costPerItem: 64 * k) { range in
          for i in range {
            let row = (0..<k).sorted { graph.indices[i * k + $0] < graph.indices[i * k + $1] }
            let distances = row.map { Double(Float(graph.squaredDistances[i * k + $0])) }
            for (slot, e) in row.enumerated() { columns[i * k + slot] = graph.indices[i * k + e] }
            PerplexitySearch.conditionalRow(
              distances, perplexity: perplexity, into: values.base + i * k)
          }
        }
      }
    }
    self = Self.symmetrized(count: n, k: k, columns: order, values: conditional)
  }

  /// (C + Cᵀ) / Σ(C + Cᵀ) for C with `k` entries per row, each row sorted by column.
  static func symmetrized(count n: Int, k: Int, columns: [Int32], values: [Double])
    -> AffinityMatrix
  {
    // Cᵀ by counting sort: visiting rows in order appends to each transposed row in
    // increasing column order.
    var transposedStarts = [Int](repeating: 0, count: n + 1)
    for j in columns { transposedStarts[Int(j) + 1] += 1 }
    for i in 0..<n { transposedStarts[i + 1] += transposedStarts[i] }
    var fill = transposedStarts
    var transposedColumns = [Int32](repeating: 0, count: columns.count)
    var transposedValues = [Double](repeating: 0, count: values.count)
    for i in 0..<n {
      for e in (i * k)..<((i + 1) * k) {
        let j = Int(columns[e])
        transposedColumns[fill[j]] = Int32(i)
        transposedValues[fill[j]] = values[e]
        fill[j] += 1
      }
    }
    var result = AffinityMatrix(count: n, rowStarts: [0], columns: [], values: [])
    for i in 0..<n {
      result.appendMerged(
        columns[(i * k)..<((i + 1) * k)], values[(i * k)..<((i + 1) * k)],
        transposedColumns[transposedStarts[i]..<transposedStarts[i + 1]],
        transposedValues[transposedStarts[i]..<transposedStarts[i + 1]])
    }
    let total = Swift.max(orderedSum(result.values), Double.ulpOfOne)
    result.values = result.values.map { $0 / total }
    return result
  }

  /// Appends one row: the union of two column-sorted rows, values summed where both have one.
  private mutating func appendMerged(
    _ ac: ArraySlice<Int32>, _ av: ArraySlice<Double>, _ bc: ArraySlice<Int32>,
    _ bv: ArraySlice<Double>
  ) {
    var (a, b) = (ac.startIndex, bc.startIndex)
    while a < ac.endIndex || b < bc.endIndex {
      if b == bc.endIndex || (a < ac.endIndex && ac[a] < bc[b]) {
        columns.append(ac[a])
        values.append(av[a])
        a += 1
      } else if a == ac.endIndex || bc[b] < ac[a] {
        columns.append(bc[b])
        values.append(bv[b])
        b += 1
      } else {
        columns.append(ac[a])
        values.append(av[a] + bv[b])
        a += 1
        b += 1
      }
    }
    rowStarts.append(columns.count)
  }
}

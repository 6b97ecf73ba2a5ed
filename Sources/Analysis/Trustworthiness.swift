import TensorCore

/// How faithfully an embedding keeps neighbourhoods (Venna & Kaski 2001).
public enum Trustworthiness {
  /// T(k) = 1 − 2 / (N k (2N − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k).
  ///
  /// Uₖ(i) are the points among i's k nearest in the embedding but not in the input, and
  /// r(i, j) is j's rank among i's input-space neighbours (1 = nearest). T = 1 when every
  /// embedding neighbourhood is an input neighbourhood; lower values penalise intruders by
  /// how far they really are. Matches scikit-learn's `manifold.trustworthiness` (Euclidean):
  /// distances in Double, ties of equal distance broken by index. O(N² D) time, O(N) memory
  /// per worker.
  /// - Parameters:
  ///   - input: [N, D] original points.
  ///   - embedding: [N, d] their embedding.
  ///   - neighbors: k, with 1 ≤ k < N / 2.
  /// - Returns: T(k) in [0, 1].
  /// - Throws: `AnalysisError` when the shapes disagree or k is out of range.
  public static func score(input: NDArray, embedding: NDArray, neighbors k: Int = 5) throws
    -> Double
  {
    guard input.rank == 2 else {
      throw AnalysisError.notMatrix(what: "trustworthiness input", shape: input.shape)
    }
    guard embedding.rank == 2, embedding.shape[0] == input.shape[0] else {
      throw AnalysisError.notMatrix(what: "trustworthiness embedding", shape: embedding.shape)
    }
    let n = input.shape[0]
    guard k >= 1, 2 * k < n else {
      throw AnalysisError.invalidOption(name: "neighbors", value: "\(k)", expected: "1..<N/2")
    }
    let x = input.data.map { Double($0) }
    let y = embedding.data.map { Double($0) }
    let (d, e) = (input.shape[1], embedding.shape[1])
    let penalties: [Int] = parallelMap(n, cost: 4 * n * (d + e)) { i in
      let inputDistances = squaredDistances(from: i, x, dimension: d)
      let nearest = nearestIndices(of: i, squaredDistances(from: i, y, dimension: e), k: k)
      var total = 0
      for j in nearest {
        let rank = 1 + countCloser(than: j, inputDistances)
        total += max(0, rank - k)
      }
      return total
    }
    let sum = Double(penalties.reduce(0, +))
    let (nd, kd) = (Double(n), Double(k))
    return 1 - sum * 2 / (nd * kd * (2 * nd - 3 * kd - 1))
  }

  /// ‖pᵢ − pⱼ‖² for every j, +∞ at j = i.
  static func squaredDistances(from i: Int, _ p: [Double], dimension d: Int) -> [Double] {
    let n = p.count / d
    return (0..<n).map { j in
      if j == i { return .infinity }
      var s = 0.0
      for c in 0..<d {
        let diff = p[i * d + c] - p[j * d + c]
        s += diff * diff
      }
      return s
    }
  }

  /// The k indices of smallest distance (ties by index), i itself excluded.
  private static func nearestIndices(of i: Int, _ distances: [Double], k: Int) -> [Int] {
    let sorted = distances.indices.sorted {
      distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1
    }
    return Array(sorted.filter { $0 != i }.prefix(k))
  }

  /// How many points precede j in input distance order (smaller distance, or equal and
  /// smaller index).
  private static func countCloser(than j: Int, _ distances: [Double]) -> Int {
    let dj = distances[j]
    var count = 0
    for (m, dm) in distances.enumerated() where dm < dj || (dm == dj && m < j) { count += 1 }
    return count
  }
}

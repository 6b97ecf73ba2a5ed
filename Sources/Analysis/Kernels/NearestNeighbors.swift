import TensorCore

/// The k nearest other points of every point.
struct NeighborGraph: Sendable, Equatable {
  /// Number of points N.
  let count: Int
  /// Neighbours per point.
  let k: Int
  /// [N · k]: row i lists its neighbours by ascending distance (ties by index).
  var indices: [Int32]
  /// [N · k]: the squared Euclidean distances, summed in Double from the Float inputs.
  var squaredDistances: [Double]
}

/// Exact k-nearest-neighbour search by blocks of a GEMM: ‖xᵢ − xⱼ‖² = ‖xᵢ‖² + ‖xⱼ‖² − 2 xᵢ·xⱼ.
///
/// The GEMM form loses digits when points are far from the origin relative to their spacing,
/// so it only shortlists k + 8 candidates per point; their distances are then summed exactly
/// in Double and the k nearest kept. Memory is one [256, N] block, never N².
enum NearestNeighbors {
  static let blockRows = 256
  static let shortlistMargin = 8

  /// - Parameters:
  ///   - x: [N, D].
  ///   - k: Neighbours per point, at most N − 1.
  static func search(_ x: NDArray, k: Int) -> NeighborGraph {
    let (n, d) = (x.shape[0], x.shape[1])
    precondition(k < n && d > 0, "k = \(k) neighbours of \(n) points in \(d) dimensions")
    var neighbors = [Int32](repeating: 0, count: n * k)
    var squared = [Double](repeating: 0, count: n * k)
    guard k > 0 else {
      return NeighborGraph(count: n, k: k, indices: neighbors, squaredDistances: squared)
    }
    let norms = squaredNorms(x)
    var products = NDArray.zeros([min(blockRows, n), n])
    for start in stride(from: 0, to: n, by: blockRows) {
      let rows = min(blockRows, n - start)
      let block = NDArray(
        shape: [rows, d], data: Array(x.data[(start * d)..<((start + rows) * d)]))
      products.addMatmul(block, x, transposeB: true, beta: 0)
      neighbors.withSharedPointer { indices in
        squared.withSharedPointer { distances in
          products.data.withReadOnlyPointer { g in
            x.data.withReadOnlyPointer { points in
              shortlistRows(
                start..<(start + rows), k: k, products: g, norms: norms, points: points,
                dimension: d, indices: indices, distances: distances)
            }
          }
        }
      }
    }
    return NeighborGraph(count: n, k: k, indices: neighbors, squaredDistances: squared)
  }

  /// The k nearest of each row in `rows`, whose GEMM products start at `products`.
  private static func shortlistRows(
    _ rows: Range<Int>, k: Int, products: SharedPointer<Float>, norms: [Float],
    points: SharedPointer<Float>, dimension d: Int, indices: SharedPointer<Int32>,
    distances: SharedPointer<Double>
  ) {
    let n = norms.count
    Parallel.forEachRange(rows.count, costPerItem: n) { range in
      var shortlist = Shortlist(capacity: min(n - 1, k + shortlistMargin))
      for r in range {
        let i = rows.lowerBound + r
        shortlist.fill(row: i, products: products.base + r * n, norms: norms)
        shortlist.keepNearest(
          k, of: i, points: points.base, dimension: d, indices: indices.base + i * k,
          distances: distances.base + i * k)
      }
    }
  }

  /// ‖xᵢ‖² per row, in Float like the GEMM it is combined with.
  static func squaredNorms(_ x: NDArray) -> [Float] {
    let d = x.shape[1]
    return (0..<x.shape[0]).map { i in
      var s: Float = 0
      for j in 0..<d { s += x.data[i * d + j] * x.data[i * d + j] }
      return s
    }
  }
}

/// The `capacity` smallest GEMM scores ‖xⱼ‖² − 2 xᵢ·xⱼ of one row, in a binary max-heap.
private struct Shortlist {
  let capacity: Int
  var scores: [Float]
  var members: [Int32]
  var size = 0

  init(capacity: Int) {
    self.capacity = capacity
    scores = [Float](repeating: 0, count: capacity)
    members = [Int32](repeating: 0, count: capacity)
  }

  /// Offers every j ≠ `row`; the heap keeps the `capacity` smallest (ties: smaller index).
  mutating func fill(row: Int, products: UnsafePointer<Float>, norms: [Float]) {
    size = 0
    for j in 0..<norms.count where j != row {
      let score = norms[j] - 2 * products[j]
      if size < capacity {
        push(score, Int32(j))
      } else if score < scores[0] {
        replaceTop(score, Int32(j))
      }
    }
  }

  /// Exact Double distances of the shortlist, sorted, the first `k` written out.
  func keepNearest(
    _ k: Int, of i: Int, points: UnsafePointer<Float>, dimension d: Int,
    indices: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Double>
  ) {
    var exact: [(Double, Int32)] = (0..<size).map { slot in
      let j = Int(members[slot])
      var s = 0.0
      for c in 0..<d {
        let diff = Double(points[i * d + c]) - Double(points[j * d + c])
        s += diff * diff
      }
      return (s, members[slot])
    }
    exact.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    for slot in 0..<k {
      indices[slot] = exact[slot].1
      distances[slot] = exact[slot].0
    }
  }

  private func above(_ a: Int, _ b: Int) -> Bool {
    scores[a] != scores[b] ? scores[a] > scores[b] : members[a] > members[b]
  }

  private mutating func push(_ score: Float, _ j: Int32) {
    var c = size
    scores[c] = score
    members[c] = j
    size += 1
    while c > 0, above(c, (c - 1) / 2) {
      scores.swapAt(c, (c - 1) / 2)
      members.swapAt(c, (c - 1) / 2)
      c = (c - 1) / 2
    }
  }

  private mutating func replaceTop(_ score: Float, _ j: Int32) {
    scores[0] = score
    members[0] = j
    var p = 0
    while true {
      let (l, r) = (2 * p + 1, 2 * p + 2)
      var top = p
      if l < size, above(l, top) { top = l }
      if r < size, above(r, top) { top = r }
      if top == p { return }
      scores.swapAt(p, top)
      members.swapAt(p, top)
      p = top
    }
  }
}

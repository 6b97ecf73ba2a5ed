import TensorCore

/// A quadtree over 2-D points with square cells, built by recursive 4-way partitioning of a
/// permutation of the points (so each cell's points are one contiguous run of `order`).
struct QuadTree {
  /// One cell. Children of an internal cell are the four consecutive nodes from
  /// `firstChild` (quadrant index = [x ≥ mid] + 2 [y ≥ mid]); a leaf has `firstChild` −1.
  struct Node {
    var centerX = 0.0
    var centerY = 0.0
    /// The cell's side, squared (the Barnes–Hut test compares it with θ² d²).
    var widthSquared = 0.0
    var count: Int32 = 0
    var firstChild: Int32 = -1
    /// The cell's points are `order[start ..< end]`.
    var start: Int32 = 0
    var end: Int32 = 0
  }

  /// Leaves hold up to this many points (summed exactly); more only at `maxDepth`.
  static let leafCapacity = 4
  /// Cells stop splitting here (2⁻⁴⁰ of the root's side), which bounds the depth when points
  /// coincide.
  static let maxDepth = 40

  private(set) var nodes: [Node] = []
  private(set) var order: [Int32] = []
  private var scratch: [Int32] = []

  /// Rebuilds the tree over `y` ([N · 2] row-major), reusing the storage.
  mutating func build(_ y: [Double]) {
    let n = y.count / 2
    order = (0..<Int32(n)).map { $0 }
    scratch = order
    nodes.removeAll(keepingCapacity: true)
    var (lowX, highX, lowY, highY) = (
      Double.infinity, -Double.infinity, Double.infinity, -Double.infinity
    )
    for i in 0..<n {
      lowX = min(lowX, y[2 * i])
      highX = max(highX, y[2 * i])
      lowY = min(lowY, y[2 * i + 1])
      highY = max(highY, y[2 * i + 1])
    }
    // NOTE: widened by a relative 1e-9 so that the maximum falls inside the last cell.
    let side = max(highX - lowX, highY - lowY, 1e-300) * (1 + 1e-9)
    nodes.append(Node())
    split(0, start: 0, end: n, lowX: lowX, lowY: lowY, side: side, depth: 0, y)
  }

  /// Fills node `index` for `order[start ..< end]` in the cell [lowX, lowX + side) ×
  /// [lowY, lowY + side), then splits it when it holds more than `leafCapacity` points.
  private mutating func split(
    _ index: Int, start: Int, end: Int, lowX: Double, lowY: Double, side: Double, depth: Int,
    _ y: [Double]
  ) {
    var (sumX, sumY) = (0.0, 0.0)
    for s in start..<end {
      sumX += y[2 * Int(order[s])]
      sumY += y[2 * Int(order[s]) + 1]
    }
    let count = end - start
    nodes[index] = Node(
      centerX: count > 0 ? sumX / Double(count) : 0, centerY: count > 0 ? sumY / Double(count) : 0,
      widthSquared: side * side, count: Int32(count), firstChild: -1, start: Int32(start),
      end: Int32(end))
    guard count > Self.leafCapacity, depth < Self.maxDepth else { return }
    let half = side / 2
    let bounds = partition(start: start, end: end, midX: lowX + half, midY: lowY + half, y)
    let first = nodes.count
    nodes[index].firstChild = Int32(first)
    nodes.append(contentsOf: repeatElement(Node(), count: 4))
    for q in 0..<4 {
      split(
        first + q, start: bounds[q], end: bounds[q + 1], lowX: q & 1 == 0 ? lowX : lowX + half,
        lowY: q & 2 == 0 ? lowY : lowY + half, side: half, depth: depth + 1, y)
    }
  }

  /// Stable counting sort of `order[start ..< end]` by quadrant; returns the 5 run bounds.
  private mutating func partition(
    start: Int, end: Int, midX: Double, midY: Double, _ y: [Double]
  ) -> [Int] {
    func quadrant(_ i: Int32) -> Int {
      (y[2 * Int(i)] >= midX ? 1 : 0) + (y[2 * Int(i) + 1] >= midY ? 2 : 0)
    }
    var bounds = [start, start, start, start, start]
    for s in start..<end { bounds[quadrant(order[s]) + 1] += 1 }
    for q in 1...4 { bounds[q] += bounds[q - 1] - start }
    var fill = Array(bounds[0..<4])
    for s in start..<end {
      let q = quadrant(order[s])
      scratch[fill[q]] = order[s]
      fill[q] += 1
    }
    for s in start..<end { order[s] = scratch[s] }
    return bounds
  }

  /// Calls `body` with shareable read-only views of the nodes and the point order.
  func withNodes<R>(_ body: (SharedPointer<Node>, SharedPointer<Int32>) -> R) -> R {
    nodes.withReadOnlyPointer { n in order.withReadOnlyPointer { o in body(n, o) } }
  }
}

import TensorCore

/// Barnes–Hut repulsion for 2-D embeddings (van der Maaten 2014, §4.2).
///
/// A quadtree over the embedding is rebuilt every call. For point i, a cell of side w whose
/// points have centre of mass c at squared distance d² stands for all its points when
/// w² < θ² d² (w / d < θ, as scikit-learn and openTSNE test it): it adds count · w(d) to Zᵢ
/// and count · w(d)² (yᵢ − c) to the force. Leaves (at most `leafCapacity` points) are summed
/// exactly, skipping i itself. θ = 0 is the exact sum. Error grows with θ; 0.5 keeps the
/// final KL within about 1 % of exact on the test data.
struct BarnesHutRepulsion: Repulsion {
  let theta: Double
  private var tree = QuadTree()

  init(theta: Double) { self.theta = theta }

  mutating func forces(_ y: [Double], into forces: inout [Double]) -> Double {
    tree.build(y)
    let n = y.count / 2
    var rowZ = [Double](repeating: 0, count: n)
    let thetaSquared = theta * theta
    let tree = self.tree
    forces.withSharedPointer { out in
      rowZ.withSharedPointer { z in
        tree.withNodes { nodes, order in
          y.withReadOnlyPointer { points in
            Parallel.forEachRange(n, costPerItem: 4000) { range in
              var stack = [Int32](repeating: 0, count: 4 * QuadTree.maxDepth + 8)
              for slot in range {
                let i = Int(order[slot])
                let (zi, fx, fy) = stack.withUnsafeMutableBufferPointer {
                  Self.visit(i, points.base, nodes, order, thetaSquared, $0.baseAddress!)
                }
                z[i] = zi
                out[2 * i] = fx
                out[2 * i + 1] = fy
              }
            }
          }
        }
      }
    }
    return orderedSum(rowZ)
  }

  /// Zᵢ and the force on point i, by a depth-first walk with an explicit stack.
  @inline(__always)
  private static func visit(
    _ i: Int, _ y: UnsafePointer<Double>, _ nodes: SharedPointer<QuadTree.Node>,
    _ order: SharedPointer<Int32>, _ thetaSquared: Double, _ stack: UnsafeMutablePointer<Int32>
  ) -> (Double, Double, Double) {
    let (xi, yi) = (y[2 * i], y[2 * i + 1])
    var (z, fx, fy) = (0.0, 0.0, 0.0)
    var top = 1
    stack[0] = 0
    while top > 0 {
      top -= 1
      let node = nodes[Int(stack[top])]
      if node.count == 0 { continue }
      let dx = xi - node.centerX
      let dy = yi - node.centerY
      let d2 = dx * dx + dy * dy
      if node.firstChild < 0 {
        for s in Int(node.start)..<Int(node.end) {
          let j = Int(order[s])
          if j == i { continue }
          let (ex, ey) = (xi - y[2 * j], yi - y[2 * j + 1])
          let w = 1 / (1 + ex * ex + ey * ey)
          z += w
          fx += w * w * ex
          fy += w * w * ey
        }
      } else if node.widthSquared < thetaSquared * d2 {
        let w = 1 / (1 + d2)
        let mass = Double(node.count)
        z += mass * w
        fx += mass * w * w * dx
        fy += mass * w * w * dy
      } else {
        for c in 0..<Int32(4) {
          stack[top] = node.firstChild + c
          top += 1
        }
      }
    }
    return (z, fx, fy)
  }
}

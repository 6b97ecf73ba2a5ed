import Foundation
import TensorCore

/// Where every point sits on the FIt-SNE grid: its box and its Lagrange weights.
struct InterpolationLayout {
  /// Nodes per box side p.
  let points: Int
  /// Boxes per side B.
  let boxes: Int
  /// The FFT side L, 2ᵃ3ᵇ ≥ 2M − 1.
  let fftLength: Int
  /// Lower corner of the grid (both axes) and the box side h ≤ 1.
  let low: Double
  let boxWidth: Double
  /// [N · 2] embedding.
  let y: [Double]
  /// Per point: its box row (second coordinate) · B + box column.
  private(set) var box: [Int32] = []
  /// Per point: p weights along the first coordinate, then p along the second.
  private(set) var weights: [Double] = []
  /// Points grouped by box row (each group in index order), and the group bounds [B + 1].
  private(set) var byRow: [Int32] = []
  private(set) var rowStarts: [Int] = []

  /// At most this many boxes per side (see `init`).
  static let maximumBoxes = 500

  /// Nodes per grid side M = B p.
  var nodes: Int { boxes * points }
  /// Distance between neighbouring nodes, h / p.
  var spacing: Double { boxWidth / Double(points) }
  /// The grid's centre, subtracted from coordinates before they become charges.
  var centre: Double { low + boxWidth * Double(boxes) / 2 }

  init(_ y: [Double], points p: Int, minimumBoxes: Int) {
    let low = y.min() ?? 0
    let range = max((y.max() ?? 0) - low, 1e-10)
    // NOTE: capped (openTSNE caps at 1000) so that a diverging embedding cannot ask for an
    // unbounded grid: 500 boxes of 3 nodes need FFTs of side 3072, about 190 MB of buffers;
    // wider embeddings get boxes wider than 1.
    let needed = min(max(minimumBoxes, Int(range.rounded(.up))), Self.maximumBoxes)
    fftLength = BatchedFFT.goodLength(atLeast: 2 * p * needed - 1)
    boxes = (fftLength + 1) / (2 * p)
    points = p
    self.low = low
    // The side is rounded up to a power of 2^(1/16), so the grid covers the points with at
    // most 4.4 % to spare, the side stays ≤ 1 when range / B is, and the kernel spectrum
    // (which depends only on the side) is reused for many steps as the embedding grows.
    boxWidth = Foundation.exp2((16 * Foundation.log2(range / Double(boxes))).rounded(.up) / 16)
    self.y = y
    locate()
    groupByRow()
  }

  /// Box and weights of every point (each point alone, so in parallel).
  private mutating func locate() {
    let (n, p, b, h, low) = (y.count / 2, points, boxes, boxWidth, self.low)
    let coordinates = y
    let nodes = (0..<p).map { (Double($0) + 0.5) / Double(p) }
    let denominators = (0..<p).map { k in
      (0..<p).filter { $0 != k }.reduce(1.0) { $0 * (nodes[k] - nodes[$1]) }
    }
    box = [Int32](repeating: 0, count: n)
    weights = [Double](repeating: 0, count: n * 2 * p)
    box.withSharedPointer { boxOut in
      weights.withSharedPointer { weightOut in
        Parallel.forEachRange(n, costPerItem: 16 * p * p) { range in
          for i in range {
            var index = [0, 0]
            for axis in 0..<2 {
              let t = (coordinates[2 * i + axis] - low) / h
              let column = min(max(Int(t), 0), b - 1)
              index[axis] = column
              let u = t - Double(column)
              for k in 0..<p {
                var w = 1.0
                for l in 0..<p where l != k { w *= u - nodes[l] }
                weightOut[(2 * i + axis) * p + k] = w / denominators[k]
              }
            }
            boxOut[i] = Int32(index[1] * b + index[0])
          }
        }
      }
    }
  }

  /// Counting sort of the points by box row, stable.
  private mutating func groupByRow() {
    rowStarts = [Int](repeating: 0, count: boxes + 1)
    for cell in box { rowStarts[Int(cell) / boxes + 1] += 1 }
    for r in 0..<boxes { rowStarts[r + 1] += rowStarts[r] }
    var fill = rowStarts
    byRow = [Int32](repeating: 0, count: box.count)
    for (i, cell) in box.enumerated() {
      let r = Int(cell) / boxes
      byRow[fill[r]] = Int32(i)
      fill[r] += 1
    }
  }
}

/// The four charge grids packed as two complex [M, M] grids: (1 + i y₁) and (y₂ + i ‖y‖²).
struct Grids {
  let count: Int
  var re0: [Float]
  var im0: [Float]
  var re1: [Float]
  var im1: [Float]

  init(count: Int) {
    self.count = count
    re0 = [Float](repeating: 0, count: count)
    im0 = re0
    re1 = re0
    im1 = re0
  }
}

extension Grids {
  /// Zeroes the grids and adds every point's charges at its p × p nodes. Box rows own
  /// disjoint grid rows, so they run in parallel, and each adds its points in index order.
  mutating func spread(_ layout: InterpolationLayout) {
    let (p, b, m, centre) = (layout.points, layout.boxes, layout.nodes, layout.centre)
    for e in 0..<count {
      re0[e] = 0
      im0[e] = 0
      re1[e] = 0
      im1[e] = 0
    }
    re0.withSharedPointer { re0 in
      im0.withSharedPointer { im0 in
        re1.withSharedPointer { re1 in
          im1.withSharedPointer { im1 in
            Parallel.forEachRange(b, costPerItem: 64 * p * p * layout.y.count / 2 / b + 1) { rows in
              for r in rows {
                for s in layout.rowStarts[r]..<layout.rowStarts[r + 1] {
                  let i = Int(layout.byRow[s])
                  let (u, v) = (layout.y[2 * i] - centre, layout.y[2 * i + 1] - centre)
                  let charges = (Float(u), Float(v), Float(u * u + v * v))
                  let column = (Int(layout.box[i]) % b) * p
                  for ky in 0..<p {
                    let wy = layout.weights[(2 * i + 1) * p + ky]
                    let row = (r * p + ky) * m + column
                    for kx in 0..<p {
                      let w = Float(wy * layout.weights[2 * i * p + kx])
                      re0[row + kx] += w
                      im0[row + kx] += w * charges.0
                      re1[row + kx] += w * charges.1
                      im1[row + kx] += w * charges.2
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Reads every point's four potentials back, writes Σⱼ wᵢⱼ² (yᵢ − yⱼ) into `forces`
  /// ([N · 2]) and returns Z (see `FFTRepulsion`).
  func gather(_ layout: InterpolationLayout, into forces: inout [Double]) -> Double {
    let (p, b, m, centre) = (layout.points, layout.boxes, layout.nodes, layout.centre)
    let n = layout.y.count / 2
    var rowZ = [Double](repeating: 0, count: n)
    forces.withSharedPointer { out in
      rowZ.withSharedPointer { z in
        Parallel.forEachRange(n, costPerItem: 16 * p * p) { range in
          for i in range {
            var phi = (0.0, 0.0, 0.0, 0.0)
            let cell = Int(layout.box[i])
            let (top, left) = ((cell / b) * p, (cell % b) * p)
            for ky in 0..<p {
              let wy = layout.weights[(2 * i + 1) * p + ky]
              for kx in 0..<p {
                let w = wy * layout.weights[2 * i * p + kx]
                let node = (top + ky) * m + left + kx
                phi.0 += w * Double(re0[node])
                phi.1 += w * Double(im0[node])
                phi.2 += w * Double(re1[node])
                phi.3 += w * Double(im1[node])
              }
            }
            let (u, v) = (layout.y[2 * i] - centre, layout.y[2 * i + 1] - centre)
            z[i] = (1 + u * u + v * v) * phi.0 - 2 * (u * phi.1 + v * phi.2) + phi.3
            out[2 * i] = u * phi.0 - phi.1
            out[2 * i + 1] = v * phi.0 - phi.2
          }
        }
      }
    }
    return orderedSum(rowZ) - Double(n)
  }
}

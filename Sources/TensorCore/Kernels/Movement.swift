/// Data movement: permutations, rectangular copies (slice/pad), row and flat gathers.
enum MovementKernel {
  /// out[i0, …] = x[i_perm…]: output axis k is input axis `order[k]`.
  static func permute(_ x: NDArray, _ order: [Int]) -> NDArray {
    let outShape = order.map { x.shape[$0] }
    let inStrides = Shape.strides(x.shape)
    let strides = order.map { inStrides[$0] }
    return strided(x, shape: outShape, strides: strides, offset: 0)
  }

  /// Materialises the strided view (shape, strides, offset) of x.
  static func strided(_ x: NDArray, shape: [Int], strides: [Int], offset: Int) -> NDArray {
    let count = Shape.count(shape)
    guard let inner = shape.last, count > 0 else { return NDArray(shape: shape, data: []) }
    let innerStride = strides.last!
    let rows = count / inner
    let data = makeArray(count: count) { out in
      let o = SharedPointer(out.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        Parallel.forEachRange(rows, costPerItem: inner) { range in
          for row in range {
            var src = offset
            var rest = row
            for axis in stride(from: shape.count - 2, through: 0, by: -1) {
              src += (rest % shape[axis]) * strides[axis]
              rest /= shape[axis]
            }
            let dst = o.base + row * inner
            if innerStride == 1 {
              dst.update(from: px.baseAddress! + src, count: inner)
            } else {
              for i in 0..<inner { dst[i] = px[src + i * innerStride] }
            }
          }
        }
      }
    }
    return NDArray(shape: shape, data: data)
  }

  /// x[lower[0]..<upper[0], …] for every axis.
  static func slice(_ x: NDArray, lower: [Int], upper: [Int]) -> NDArray {
    let strides = Shape.strides(x.shape)
    let offset = zip(lower, strides).map(*).reduce(0, +)
    let shape = zip(lower, upper).map { $1 - $0 }
    return strided(x, shape: shape, strides: strides, offset: offset)
  }

  /// Zero-pads x by before[k] / after[k] elements on axis k (the adjoint of `slice`).
  static func pad(_ x: NDArray, before: [Int], after: [Int]) -> NDArray {
    let outShape = (0..<x.rank).map { x.shape[$0] + before[$0] + after[$0] }
    var out = NDArray.zeros(outShape)
    guard x.count > 0 else { return out }
    let outStrides = Shape.strides(outShape)
    let inner = x.shape.last ?? 1
    let rows = x.count / inner
    let base = zip(before, outStrides).map(*).reduce(0, +)
    out.withUnsafeMutableBufferPointer { po in
      let o = SharedPointer(po.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        Parallel.forEachRange(rows, costPerItem: inner) { range in
          for row in range {
            var dst = base
            var rest = row
            for axis in stride(from: x.rank - 2, through: 0, by: -1) {
              dst += (rest % x.shape[axis]) * outStrides[axis]
              rest /= x.shape[axis]
            }
            (o.base + dst).update(from: px.baseAddress! + row * inner, count: inner)
          }
        }
      }
    }
    return out
  }

  /// Rows `indices` of x along axis 0: [k, rest…].
  static func gatherRows(_ x: NDArray, _ indices: [Int]) -> NDArray {
    let rowSize = x.count / max(x.shape[0], 1)
    let data = makeArray(count: indices.count * rowSize) { out in
      let o = SharedPointer(out.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        Parallel.forEachRange(indices.count, costPerItem: rowSize) { range in
          for i in range {
            (o.base + i * rowSize).update(
              from: px.baseAddress! + indices[i] * rowSize, count: rowSize)
          }
        }
      }
    }
    return NDArray(shape: [indices.count] + x.shape.dropFirst(), data: data)
  }

  /// The adjoint of `gatherRows`: out[indices[i]] += g[i], out has `rows` rows.
  static func scatterAddRows(_ g: NDArray, _ indices: [Int], rows: Int) -> NDArray {
    let rowSize = g.count / max(g.shape[0], 1)
    var out = NDArray.zeros([rows] + g.shape.dropFirst())
    out.withUnsafeMutableBufferPointer { po in
      g.data.withUnsafeBufferPointer { pg in
        for (i, row) in indices.enumerated() {
          let dst = po.baseAddress! + row * rowSize
          let src = pg.baseAddress! + i * rowSize
          for j in 0..<rowSize { dst[j] += src[j] }
        }
      }
    }
    return out
  }

  /// out[i] = x.flat[indices[i]], shaped `shape`.
  static func gatherFlat(_ x: NDArray, _ indices: [Int32], shape: [Int]) -> NDArray {
    let data = x.data.withUnsafeBufferPointer { px in indices.map { px[Int($0)] } }
    return NDArray(shape: shape, data: data)
  }

  /// The adjoint of `gatherFlat`: out.flat[indices[i]] += g[i].
  static func scatterAddFlat(_ g: NDArray, _ indices: [Int32], shape: [Int]) -> NDArray {
    var out = NDArray.zeros(shape)
    out.withUnsafeMutableBufferPointer { po in
      g.data.withUnsafeBufferPointer { pg in
        for (i, index) in indices.enumerated() { po[Int(index)] += pg[i] }
      }
    }
    return out
  }
}

/// Reductions over runs of axes, computed as [outer, reduced, inner] blocks.
public enum ReduceOp: Sendable {
  case sum, max
}

enum ReduceKernel {
  /// Reduces `axes` (sorted, unique, in range) keeping them as size-1 axes.
  static func run(_ op: ReduceOp, _ x: NDArray, axes: [Int]) -> NDArray {
    var result = x
    // Reduce runs of consecutive axes from the last run to the first, so earlier axis
    // indices stay valid.
    for run in consecutiveRuns(axes).reversed() {
      result = reduceRun(op, result, from: run.lowerBound, to: run.upperBound)
    }
    return result
  }

  private static func consecutiveRuns(_ axes: [Int]) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    for axis in axes {
      if let last = runs.last, last.upperBound == axis {
        runs[runs.count - 1] = last.lowerBound..<(axis + 1)
      } else {
        runs.append(axis..<(axis + 1))
      }
    }
    return runs
  }

  private static func reduceRun(_ op: ReduceOp, _ x: NDArray, from: Int, to: Int) -> NDArray {
    let outer = x.shape[..<from].reduce(1, *)
    let reduced = x.shape[from..<to].reduce(1, *)
    let inner = x.shape[to...].reduce(1, *)
    var outShape = x.shape
    for axis in from..<to { outShape[axis] = 1 }
    let data = makeArray(count: outer * inner) { out in
      let o = SharedPointer(out.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        let p = px.baseAddress!
        if inner == 1 {
          Parallel.forEachRange(outer, costPerItem: reduced) { rows in
            for row in rows { o[row] = reduceContiguous(op, p + row * reduced, reduced) }
          }
        } else {
          Parallel.forEachRange(outer, costPerItem: reduced * inner) { rows in
            for row in rows {
              reduceStrided(op, p + row * reduced * inner, reduced, inner, o.base + row * inner)
            }
          }
        }
      }
    }
    return NDArray(shape: outShape, data: data)
  }

  /// Sum or max of n contiguous floats, with 8 partial accumulators for speed and accuracy.
  @inline(__always)
  static func reduceContiguous(_ op: ReduceOp, _ p: UnsafePointer<Float>, _ n: Int) -> Float {
    switch op {
    case .sum:
      var acc = SIMD8<Float>(repeating: 0)
      var i = 0
      while i + 8 <= n {
        acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
      }
      var total = acc.sum()
      while i < n {
        total += p[i]
        i += 1
      }
      return total
    case .max:
      var best = -Float.infinity
      for i in 0..<n where p[i] > best || p[i].isNaN { best = p[i] }
      return best
    }
  }

  @inline(__always)
  static func reduceStrided(
    _ op: ReduceOp, _ p: UnsafePointer<Float>, _ n: Int, _ inner: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    if n == 0 {
      for j in 0..<inner { out[j] = op == .sum ? 0 : -.infinity }
      return
    }
    for j in 0..<inner { out[j] = p[j] }
    for k in 1..<n {
      let row = p + k * inner
      switch op {
      case .sum: for j in 0..<inner { out[j] += row[j] }
      case .max: for j in 0..<inner where row[j] > out[j] { out[j] = row[j] }
      }
    }
  }
}

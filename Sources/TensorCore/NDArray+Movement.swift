extension NDArray {
  /// Reorders axes: output axis k is input axis `order[k]`.
  public func permuted(_ order: [Int]) -> NDArray {
    precondition(order.sorted() == Array(0..<rank), "permute \(order) of rank \(rank)")
    if order == Array(0..<rank) { return self }
    return MovementKernel.permute(self, order)
  }

  /// The 2-D transpose.
  public var transposed: NDArray { permuted([1, 0]) }

  /// The block lower[k]..<upper[k] on every axis.
  public func slice(lower: [Int], upper: [Int]) -> NDArray {
    precondition(lower.count == rank && upper.count == rank, "slice rank")
    precondition(
      (0..<rank).allSatisfy { 0 <= lower[$0] && lower[$0] <= upper[$0] && upper[$0] <= shape[$0] },
      "slice \(lower)..<\(upper) of \(shape)")
    return MovementKernel.slice(self, lower: lower, upper: upper)
  }

  /// Rows lower..<upper along axis 0.
  public func rows(_ range: Range<Int>) -> NDArray {
    let rowSize = count / Swift.max(shape[0], 1)
    let data = Array(self.data[(range.lowerBound * rowSize)..<(range.upperBound * rowSize)])
    return NDArray(shape: [range.count] + shape.dropFirst(), data: data)
  }

  /// Zero padding of before[k] / after[k] elements on axis k.
  public func padded(before: [Int], after: [Int]) -> NDArray {
    precondition(before.count == rank && after.count == rank, "pad rank")
    return MovementKernel.pad(self, before: before, after: after)
  }

  /// Rows `indices` along axis 0 (indices must be in range).
  public func gatherRows(_ indices: [Int]) -> NDArray {
    precondition(indices.allSatisfy { $0 >= 0 && $0 < shape[0] }, "gatherRows index range")
    return MovementKernel.gatherRows(self, indices)
  }

  /// The adjoint of `gatherRows`: a [rows, …] array with g's rows added at `indices`.
  public func scatterAddRows(_ indices: [Int], rows: Int) -> NDArray {
    MovementKernel.scatterAddRows(self, indices, rows: rows)
  }

  /// Elements at flat `indices`, shaped `shape`.
  public func gatherFlat(_ indices: [Int32], shape: [Int]) -> NDArray {
    MovementKernel.gatherFlat(self, indices, shape: shape)
  }

  /// The adjoint of `gatherFlat`.
  public func scatterAddFlat(_ indices: [Int32], shape: [Int]) -> NDArray {
    MovementKernel.scatterAddFlat(self, indices, shape: shape)
  }

  /// Concatenation along `axis`; all other extents must agree.
  public static func concatenate(_ parts: [NDArray], axis: Int) -> NDArray {
    precondition(!parts.isEmpty, "concatenate of nothing")
    let first = parts[0]
    var total = 0
    var out = first.shape
    for part in parts {
      precondition(part.rank == first.rank, "concatenate rank")
      total += part.shape[axis]
    }
    out[axis] = total
    var result = NDArray.zeros(out)
    var offset = 0
    for part in parts {
      var before = [Int](repeating: 0, count: first.rank)
      var after = before
      before[axis] = offset
      after[axis] = total - offset - part.shape[axis]
      result = result + MovementKernel.pad(part, before: before, after: after)
      offset += part.shape[axis]
    }
    return result
  }
}

import TensorCore

extension Tensor {
  /// Same elements, new shape (one axis may be -1).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    let source = shape
    if newShape == source { return self }
    return Tensor.record(value.reshaped(newShape), parents: [self], op: "reshape") { g, _ in
      [g.reshaped(source)]
    }
  }

  /// [N, …] → [N, rest].
  public func flattenedRows() -> Tensor { reshaped([shape[0], count / max(shape[0], 1)]) }

  /// Output axis k is input axis order[k].
  public func permuted(_ order: [Int]) -> Tensor {
    var inverse = [Int](repeating: 0, count: order.count)
    for (k, axis) in order.enumerated() { inverse[axis] = k }
    return Tensor.record(value.permuted(order), parents: [self], op: "permute") { g, _ in
      [g.permuted(inverse)]
    }
  }

  /// The block lower..<upper on every axis; adjoint: zero padding.
  public func slice(lower: [Int], upper: [Int]) -> Tensor {
    let source = shape
    let after = (0..<rank).map { source[$0] - upper[$0] }
    return Tensor.record(value.slice(lower: lower, upper: upper), parents: [self], op: "slice") {
      g, _ in [g.padded(before: lower, after: after)]
    }
  }

  /// Zero padding; adjoint: slice.
  public func padded(before: [Int], after: [Int]) -> Tensor {
    let source = shape
    let upper = (0..<rank).map { before[$0] + source[$0] }
    return Tensor.record(value.padded(before: before, after: after), parents: [self], op: "pad") {
      g, _ in [g.slice(lower: before, upper: upper)]
    }
  }

  /// Rows `indices` along axis 0; adjoint: scatter-add.
  public func gatherRows(_ indices: [Int]) -> Tensor {
    let rows = shape[0]
    return Tensor.record(value.gatherRows(indices), parents: [self], op: "gatherRows") { g, _ in
      [g.scatterAddRows(indices, rows: rows)]
    }
  }

  /// Adds row i of self into row indices[i] of a zero [rows, …] tensor; adjoint: gather.
  public func scatterAddRows(_ indices: [Int], rows: Int) -> Tensor {
    Tensor.record(value.scatterAddRows(indices, rows: rows), parents: [self], op: "scatterRows") {
      g, _ in [g.gatherRows(indices)]
    }
  }

  /// Elements at flat `indices`, shaped `shape`; adjoint: flat scatter-add.
  public func gatherFlat(_ indices: [Int32], shape outShape: [Int]) -> Tensor {
    let source = shape
    return Tensor.record(value.gatherFlat(indices, shape: outShape), parents: [self], op: "gather")
    { g, _ in [g.scatterAddFlat(indices, shape: source)] }
  }

  /// Flat scatter-add into zeros of `shape`; adjoint: flat gather.
  public func scatterAddFlat(_ indices: [Int32], shape outShape: [Int]) -> Tensor {
    let source = shape
    return Tensor.record(
      value.scatterAddFlat(indices, shape: outShape), parents: [self], op: "scatter"
    ) { g, _ in [g.gatherFlat(indices, shape: source)] }
  }

  /// Concatenation along `axis`.
  public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
    let total = parts.map { $0.shape[axis] }.reduce(0, +)
    var offset = 0
    var result: Tensor?
    for part in parts {
      var before = [Int](repeating: 0, count: part.rank)
      var after = before
      before[axis] = offset
      after[axis] = total - offset - part.shape[axis]
      let placed = part.padded(before: before, after: after)
      result = result.map { $0 + placed } ?? placed
      offset += part.shape[axis]
    }
    guard let result else { preconditionFailure("concatenate of nothing") }
    return result
  }
}

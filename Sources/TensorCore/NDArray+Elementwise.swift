// MARK: - Binary (NumPy broadcasting)

extension NDArray {
  /// op(self, other) with broadcasting; traps on incompatible shapes (use `checked`).
  public func binary(_ op: BinaryOp, _ other: NDArray) -> NDArray {
    guard let shape = Shape.broadcast(self.shape, other.shape) else {
      preconditionFailure("\(op): cannot broadcast \(self.shape) and \(other.shape)")
    }
    return BinaryKernel.run(op, self, other, outShape: shape)
  }

  /// Throwing form of `binary` for user input.
  public func checked(_ op: BinaryOp, _ other: NDArray) throws -> NDArray {
    let shape = try Shape.checkBroadcast(self.shape, other.shape, op: "\(op)")
    return BinaryKernel.run(op, self, other, outShape: shape)
  }

  public static func + (a: NDArray, b: NDArray) -> NDArray { a.binary(.add, b) }
  public static func - (a: NDArray, b: NDArray) -> NDArray { a.binary(.subtract, b) }
  public static func * (a: NDArray, b: NDArray) -> NDArray { a.binary(.multiply, b) }
  public static func / (a: NDArray, b: NDArray) -> NDArray { a.binary(.divide, b) }
  public static func + (a: NDArray, b: Float) -> NDArray { a.binary(.add, NDArray(scalar: b)) }
  public static func - (a: NDArray, b: Float) -> NDArray { a.binary(.subtract, NDArray(scalar: b)) }
  public static func * (a: NDArray, b: Float) -> NDArray { a.mapScalar { $0 * b } }
  public static func / (a: NDArray, b: Float) -> NDArray { a.mapScalar { $0 / b } }
  public static prefix func - (a: NDArray) -> NDArray { a.unary(.negate) }

  private func mapScalar(_ f: (Float) -> Float) -> NDArray {
    NDArray(shape: shape, data: data.map(f))
  }
}

// MARK: - Unary

extension NDArray {
  /// op(x) element-wise.
  public func unary(_ op: UnaryOp) -> NDArray { UnaryKernel.run(op, self) }

  /// self · scale + other, in place (the SGD and accumulation primitive).
  public mutating func addScaled(_ other: NDArray, _ scale: Float) {
    precondition(other.count == count, "addScaled: \(other.shape) into \(shape)")
    withUnsafeMutableBufferPointer { dst in
      other.data.withUnsafeBufferPointer { src in
        for i in 0..<dst.count { dst[i] += scale * src[i] }
      }
    }
  }

  /// self · scale, in place.
  public mutating func scale(by scale: Float) {
    withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] *= scale }
    }
  }

  /// Adds `rows` [m, …] to rows start..<start + m of self [M, …] (same trailing extents),
  /// in place.
  public mutating func addRows(_ rows: NDArray, at start: Int) {
    let width = rows.count / Swift.max(rows.shape.first ?? 1, 1)
    precondition(
      rank == rows.rank && shape.dropFirst() == rows.shape.dropFirst()
        && start >= 0 && start * width + rows.count <= count,
      "addRows: \(rows.shape) at row \(start) of \(shape)")
    withUnsafeMutableBufferPointer { dst in
      rows.data.withUnsafeBufferPointer { src in
        let base = start * width
        for i in 0..<src.count { dst[base + i] += src[i] }
      }
    }
  }

  /// Σ self[i] · other[i] in Double.
  public func dot(_ other: NDArray) -> Double {
    precondition(other.count == count, "dot: \(other.shape) and \(shape)")
    return data.withUnsafeBufferPointer { a in
      other.data.withUnsafeBufferPointer { b in
        var total = 0.0
        for i in 0..<a.count { total += Double(a[i]) * Double(b[i]) }
        return total
      }
    }
  }
}

/// A shape or argument mismatch detected before a kernel runs.
///
/// Every throwing check in TensorCore reports one of these; the fast kernels behind the checks
/// never trap on user input because the shell calls the checks first.
public enum ShapeError: Error, Equatable, CustomStringConvertible {
  /// Two shapes cannot be broadcast together.
  case notBroadcastable(op: String, lhs: [Int], rhs: [Int])
  /// An operation got a shape it cannot accept; `expected` describes the requirement.
  case mismatch(op: String, shape: [Int], expected: String)
  /// An element count does not match the requested shape.
  case countMismatch(op: String, count: Int, shape: [Int])
  /// An axis or index is out of range.
  case outOfRange(op: String, value: Int, range: Range<Int>)

  public var description: String {
    switch self {
    case .notBroadcastable(let op, let lhs, let rhs):
      return "\(op): shapes \(lhs) and \(rhs) cannot be broadcast together"
    case .mismatch(let op, let shape, let expected):
      return "\(op): got shape \(shape), expected \(expected)"
    case .countMismatch(let op, let count, let shape):
      return "\(op): \(count) elements cannot fill shape \(shape)"
    case .outOfRange(let op, let value, let range):
      return "\(op): \(value) is outside \(range.lowerBound)..<\(range.upperBound)"
    }
  }
}

/// Shape arithmetic shared by kernels and checks.
public enum Shape {
  /// Number of elements of a shape (1 for a scalar `[]`).
  public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

  /// The element count of a shape from user input or a file header: nil when a size is
  /// negative or the product overflows an Int, so such a shape can never trap.
  public static func checkedCount(_ shape: [Int]) -> Int? {
    var total = 1
    for size in shape {
      guard size >= 0 else { return nil }
      let (next, overflow) = total.multipliedReportingOverflow(by: size)
      if overflow { return nil }
      total = next
    }
    return total
  }

  /// Row-major strides in elements.
  public static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = running
      running *= shape[axis]
    }
    return strides
  }

  /// NumPy broadcasting of two shapes, or nil when they are incompatible.
  public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if da == db || db == 1 {
        out[i] = da
      } else if da == 1 {
        out[i] = db
      } else {
        return nil
      }
    }
    return out
  }

  /// Throwing form of `broadcast`, naming the operation.
  public static func checkBroadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    guard let out = broadcast(a, b) else {
      throw ShapeError.notBroadcastable(op: op, lhs: a, rhs: b)
    }
    return out
  }

  /// Normalises possibly negative axes against `rank`, sorted and unique.
  public static func normalizeAxes(_ axes: [Int], rank: Int, op: String) throws -> [Int] {
    var out: [Int] = []
    for axis in axes {
      let a = axis < 0 ? axis + rank : axis
      guard a >= 0 && a < rank else {
        throw ShapeError.outOfRange(op: op, value: axis, range: 0..<rank)
      }
      if !out.contains(a) { out.append(a) }
    }
    return out.sorted()
  }
}

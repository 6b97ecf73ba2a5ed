/// Element-wise binary operations with NumPy broadcasting.
public enum BinaryOp: Sendable {
  case add, subtract, multiply, divide, maximum, minimum
  /// 1 where lhs > rhs, else 0 (not differentiable; used for masks).
  case greater
  /// lhs where rhs > 0, else 0: relu's backward in one pass.
  case gate
}

extension BinaryOp {
  @inline(__always)
  func apply(_ a: Float, _ b: Float) -> Float {
    switch self {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .maximum: return a > b ? a : b
    case .minimum: return a < b ? a : b
    case .greater: return a > b ? 1 : 0
    case .gate: return b > 0 ? a : 0
    }
  }
}

enum BinaryKernel {
  /// out = op(a, b) where a and b are already broadcast-compatible with `outShape`.
  static func run(_ op: BinaryOp, _ a: NDArray, _ b: NDArray, outShape: [Int]) -> NDArray {
    let count = Shape.count(outShape)
    if a.shape == b.shape {
      return NDArray(shape: outShape, data: same(op, a.data, b.data))
    }
    let (extents, sa, sb) = collapse(outShape, a.shape, b.shape)
    let inner = extents.last ?? 1
    let innerA = sa.last ?? 0
    let innerB = sb.last ?? 0
    let rows = count / max(inner, 1)
    let data = makeArray(count: count) { out in
      let o = SharedPointer(out.baseAddress!)
      a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
          Parallel.forEachRange(rows, costPerItem: inner) { range in
            for row in range {
              var offA = 0
              var offB = 0
              var rest = row
              for axis in stride(from: extents.count - 2, through: 0, by: -1) {
                let index = rest % extents[axis]
                rest /= extents[axis]
                offA += index * sa[axis]
                offB += index * sb[axis]
              }
              let base = row * inner
              innerLoop(
                op, pa.baseAddress! + offA, innerA, pb.baseAddress! + offB, innerB,
                o.base + base, inner)
            }
          }
        }
      }
    }
    return NDArray(shape: outShape, data: data)
  }

  static func innerLoop(
    _ op: BinaryOp, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    // One specialised loop per op: the switch stays outside the element loop.
    switch op {
    case .add: loop(a, sa, b, sb, out, n) { $0 + $1 }
    case .subtract: loop(a, sa, b, sb, out, n) { $0 - $1 }
    case .multiply: loop(a, sa, b, sb, out, n) { $0 * $1 }
    case .divide: loop(a, sa, b, sb, out, n) { $0 / $1 }
    case .maximum: loop(a, sa, b, sb, out, n) { $0 > $1 ? $0 : $1 }
    case .minimum: loop(a, sa, b, sb, out, n) { $0 < $1 ? $0 : $1 }
    case .greater: loop(a, sa, b, sb, out, n) { $0 > $1 ? 1 : 0 }
    case .gate:
      if sa == 1 && sb == 1 {
        gate(a, b, out, n)
      } else {
        loop(a, sa, b, sb, out, n) { $1 > 0 ? $0 : 0 }
      }
    }
  }

  /// out = a where b > 0, else 0 (ReLU's backward), as explicit 8-lane selects: the scalar
  /// form compiles to a branch around the load of a, mispredicted on half of a ReLU mask.
  static func gate(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ n: Int
  ) {
    typealias Lanes = SIMD8<Float>
    var i = 0
    while i + Lanes.scalarCount <= n {
      let av = UnsafeRawPointer(a + i).loadUnaligned(as: Lanes.self)
      let bv = UnsafeRawPointer(b + i).loadUnaligned(as: Lanes.self)
      UnsafeMutableRawPointer(out + i).storeBytes(
        of: Lanes(repeating: 0).replacing(with: av, where: bv .> 0), as: Lanes.self)
      i += Lanes.scalarCount
    }
    while i < n {
      out[i] = b[i] > 0 ? a[i] : 0
      i += 1
    }
  }

  @inline(__always)
  static func loop(
    _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
    _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Float, Float) -> Float
  ) {
    switch (sa, sb) {
    case (1, 1): for i in 0..<n { out[i] = f(a[i], b[i]) }
    case (1, 0):
      let bv = b[0]
      for i in 0..<n { out[i] = f(a[i], bv) }
    case (0, 1):
      let av = a[0]
      for i in 0..<n { out[i] = f(av, b[i]) }
    default: for i in 0..<n { out[i] = f(a[i * sa], b[i * sb]) }
    }
  }

  private static func same(_ op: BinaryOp, _ a: [Float], _ b: [Float]) -> [Float] {
    makeArray(count: a.count) { out in
      let o = SharedPointer(out.baseAddress!)
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          Parallel.forEachRange(a.count) { r in
            innerLoop(
              op, pa.baseAddress! + r.lowerBound, 1, pb.baseAddress! + r.lowerBound, 1,
              o.base + r.lowerBound, r.count)
          }
        }
      }
    }
  }

  /// Broadcast strides of both operands in the output's rank, with adjacent axes merged where
  /// both operands keep the same contiguity pattern (so [N,C,H,W] + [1,C,1,1] has 3 axes).
  static func collapse(_ out: [Int], _ a: [Int], _ b: [Int]) -> ([Int], [Int], [Int]) {
    func strides(_ s: [Int]) -> [Int] {
      let padded = [Int](repeating: 1, count: out.count - s.count) + s
      let st = Shape.strides(padded)
      return zip(padded, st).map { $0.0 == 1 ? 0 : $0.1 }
    }
    let sa = strides(a)
    let sb = strides(b)
    var extents: [Int] = []
    var ra: [Int] = []
    var rb: [Int] = []
    for axis in 0..<out.count where out[axis] != 1 {
      if let last = extents.last,
        ra.last! == sa[axis] * out[axis] || (ra.last! == 0 && sa[axis] == 0),
        rb.last! == sb[axis] * out[axis] || (rb.last! == 0 && sb[axis] == 0)
      {
        extents[extents.count - 1] = last * out[axis]
        ra[ra.count - 1] = sa[axis]
        rb[rb.count - 1] = sb[axis]
      } else {
        extents.append(out[axis])
        ra.append(sa[axis])
        rb.append(sb[axis])
      }
    }
    if extents.isEmpty { return ([1], [0], [0]) }
    return (extents, ra, rb)
  }
}

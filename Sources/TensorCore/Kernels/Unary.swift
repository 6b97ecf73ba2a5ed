import Foundation

/// Element-wise unary operations.
public enum UnaryOp: Sendable {
  case negate, exp, log, sqrt, rsqrt, square, reciprocal, relu, abs, sign, tanh, sigmoid
  /// 1 where x > 0, else 0: relu's derivative (the kink at 0 gets 0, as in PyTorch).
  case positive
}

extension UnaryOp {
  @inline(__always)
  func apply(_ x: Float) -> Float {
    switch self {
    case .negate: return -x
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .sqrt: return x.squareRoot()
    case .rsqrt: return 1 / x.squareRoot()
    case .square: return x * x
    case .reciprocal: return 1 / x
    case .relu: return x < 0 ? 0 : x  // NaN passes through, as in PyTorch
    case .abs: return Swift.abs(x)
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .tanh: return Foundation.tanh(x)
    case .sigmoid: return 1 / (1 + Foundation.exp(-x))
    case .positive: return x > 0 ? 1 : 0
    }
  }
}

enum UnaryKernel {
  static func run(_ op: UnaryOp, _ x: NDArray) -> NDArray {
    let data = makeArray(count: x.count) { out in
      let o = SharedPointer(out.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        let p = px.baseAddress!
        let cost = (op == .exp || op == .log || op == .tanh || op == .sigmoid) ? 8 : 1
        Parallel.forEachRange(x.count, costPerItem: cost) { r in
          apply(op, p + r.lowerBound, o.base + r.lowerBound, r.count)
        }
      }
    }
    return NDArray(shape: x.shape, data: data)
  }

  /// One specialised loop per op: the switch stays outside the element loop.
  static func apply(
    _ op: UnaryOp, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    switch op {
    case .negate: loop(x, out, n) { -$0 }
    case .square: loop(x, out, n) { $0 * $0 }
    case .relu: loop(x, out, n) { $0 < 0 ? 0 : $0 }
    case .positive: loop(x, out, n) { $0 > 0 ? 1 : 0 }
    case .sqrt: loop(x, out, n) { $0.squareRoot() }
    case .rsqrt: loop(x, out, n) { 1 / $0.squareRoot() }
    case .reciprocal: loop(x, out, n) { 1 / $0 }
    case .abs: loop(x, out, n) { Swift.abs($0) }
    default: for i in 0..<n { out[i] = op.apply(x[i]) }
    }
  }

  @inline(__always)
  static func loop(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Float) -> Float
  ) {
    for i in 0..<n { out[i] = f(x[i]) }
  }
}

import Foundation
import TensorCore

// MARK: - Broadcasting helpers

extension Tensor {
  /// Sums a broadcast gradient back down to `shape` (the adjoint of `expanded(to:)`).
  public func summed(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let lead = rank - target.count
    var axes = Array(0..<lead)
    for (i, extent) in target.enumerated() where extent == 1 && shape[lead + i] != 1 {
      axes.append(lead + i)
    }
    return sum(axes: axes, keepDims: true).reshaped(target)
  }

  /// Broadcasts to `target` (NumPy rules); the adjoint of `summed(to:)`.
  public func expanded(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let source = shape
    let out = NDArray.zeros(target) + value
    return Tensor.record(out, parents: [self], op: "expand") { g, _ in [g.summed(to: source)] }
  }
}

// MARK: - Binary

extension Tensor {
  private static func binary(
    _ a: Tensor, _ b: Tensor, _ op: BinaryOp, _ rule: @escaping BackwardRule
  ) -> Tensor {
    Tensor.record(a.value.binary(op, b.value), parents: [a, b], op: "\(op)", rule: rule)
  }

  public static func + (a: Tensor, b: Tensor) -> Tensor {
    binary(a, b, .add) { g, _ in [g.summed(to: a.shape), g.summed(to: b.shape)] }
  }

  public static func - (a: Tensor, b: Tensor) -> Tensor {
    binary(a, b, .subtract) { g, _ in [g.summed(to: a.shape), (-g).summed(to: b.shape)] }
  }

  public static func * (a: Tensor, b: Tensor) -> Tensor {
    binary(a, b, .multiply) { g, _ in
      [
        a.needsGradient ? (g * b).summed(to: a.shape) : nil,
        b.needsGradient ? (g * a).summed(to: b.shape) : nil,
      ]
    }
  }

  public static func / (a: Tensor, b: Tensor) -> Tensor {
    binary(a, b, .divide) { g, out in
      [
        a.needsGradient ? (g / b).summed(to: a.shape) : nil,
        b.needsGradient ? (-(g * out) / b).summed(to: b.shape) : nil,
      ]
    }
  }

  public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(scalar: b) }
  public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(scalar: b) }
  public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(scalar: b) }
  public static func / (a: Tensor, b: Float) -> Tensor { a * Tensor(scalar: 1 / b) }
  public static func * (a: Float, b: Tensor) -> Tensor { b * Tensor(scalar: a) }
  public static func - (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) - b }
}

// MARK: - Unary

extension Tensor {
  private func unary(_ op: UnaryOp, _ rule: @escaping BackwardRule) -> Tensor {
    Tensor.record(value.unary(op), parents: [self], op: "\(op)", rule: rule)
  }

  public static prefix func - (x: Tensor) -> Tensor {
    x.unary(.negate) { g, _ in [-g] }
  }

  /// eˣ; d/dx = eˣ.
  public func exp() -> Tensor { unary(.exp) { g, out in [g * out] } }

  /// ln x; d/dx = 1/x.
  public func log() -> Tensor { unary(.log) { g, _ in [g / self] } }

  /// √x; d/dx = 1/(2√x).
  public func sqrt() -> Tensor { unary(.sqrt) { g, out in [g / (out * 2)] } }

  /// x²; d/dx = 2x.
  public func square() -> Tensor { unary(.square) { g, _ in [g * self * 2] } }

  /// max(x, 0). NOTE: the derivative at 0 is taken as 0 (PyTorch); the second derivative is 0.
  public func relu() -> Tensor {
    unary(.relu) { g, _ in [g.gated(by: self)] }
  }

  /// self where `gate` > 0, else 0 — relu's backward in one pass. Differentiable in self
  /// only: the gate's derivative is zero almost everywhere.
  public func gated(by gate: Tensor) -> Tensor {
    Tensor.record(value.binary(.gate, gate.value), parents: [self], op: "gate") { dz, _ in
      [dz.gated(by: gate)]
    }
  }

  /// tanh x; d/dx = 1 − tanh² x.
  public func tanh() -> Tensor { unary(.tanh) { g, out in [g * (1 - out.square())] } }

  /// |x|. NOTE: the derivative at 0 is taken as 0.
  public func abs() -> Tensor {
    unary(.abs) { g, _ in [g * Tensor(self.value.unary(.sign))] }
  }

  /// x^p for a constant p; d/dx = p·x^(p−1).
  public func pow(_ p: Float) -> Tensor {
    let data = NDArray(shape: shape, data: value.data.map { Foundation.pow($0, p) })
    return Tensor.record(data, parents: [self], op: "pow") { g, _ in
      [g * self.pow(p - 1) * p]
    }
  }
}

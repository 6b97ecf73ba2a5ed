import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct ElementwiseTests {
  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]),
    // Same shape, 8-lane vector body plus a tail of 5.
    ([3, 7], [3, 7]),
    ([3, 1], [1, 4]),
    ([2, 3, 4, 5], [1, 3, 1, 1]),
    ([2, 3, 4], [4]),
    ([4], [2, 3, 4]),
    ([], [2, 3]),
    ([2, 3], []),
    ([2, 1, 4], [3, 1]),
    ([1, 3, 1], [2, 1, 5]),
    ([5, 1, 1, 4], [1, 3, 2, 1]),
    ([2, 3, 4, 5], [2, 1, 4, 1]),
    // Large enough for the parallel path and the [N,C,H,W] + [1,C,1,1] collapse.
    ([2, 16, 32, 32], [1, 16, 1, 1]),
  ]

  static let binaryOps: [BinaryOp] = [
    .add, .subtract, .multiply, .divide, .maximum, .minimum, .greater, .gate,
  ]

  static func reference(_ op: BinaryOp) -> (Double, Double) -> Double {
    switch op {
    case .add: return (+)
    case .subtract: return (-)
    case .multiply: return (*)
    case .divide: return (/)
    case .maximum: return { Swift.max($0, $1) }
    case .minimum: return { Swift.min($0, $1) }
    case .greater: return { $0 > $1 ? 1 : 0 }
    case .gate: return { $1 > 0 ? $0 : 0 }
    }
  }

  @Test(arguments: shapePairs)
  func broadcastingBinaryOpsMatchReference(_ shapes: ([Int], [Int])) throws {
    let a = TestInputs.uniform(shapes.0, seed: 1)
    let b = TestInputs.awayFromZero(shapes.1, margin: 0.25, seed: 2)
    let shape = try #require(Shape.broadcast(shapes.0, shapes.1))
    for op in Self.binaryOps {
      let out = a.binary(op, b)
      #expect(out.shape == shape)
      let expected = Reference.binary(a, b, shape: shape, Self.reference(op))
      let comparison = Approx.compare(out.data, expected, rtol: 1e-6, atol: 1e-7)
      #expect(comparison.passed, "\(op) \(shapes): \(comparison)")
    }
  }

  @Test func operatorsAgreeWithBinary() {
    let a = TestInputs.uniform([3, 4], seed: 3)
    let b = TestInputs.awayFromZero([4], margin: 0.5, seed: 4)
    #expect(a + b == a.binary(.add, b))
    #expect(a - b == a.binary(.subtract, b))
    #expect(a * b == a.binary(.multiply, b))
    #expect(a / b == a.binary(.divide, b))
    #expect(-a == a.unary(.negate))
    #expect((a + 2).data == a.data.map { $0 + 2 })
    #expect((a - 2).data == a.data.map { $0 - 2 })
    #expect((a * 3).data == a.data.map { $0 * 3 })
    #expect((a / 4).data == a.data.map { $0 / 4 })
  }

  static let unaryCases: [(UnaryOp, (Double) -> Double)] = [
    (.negate, { -$0 }),
    (.exp, { Foundation.exp($0) }),
    (.log, { Foundation.log($0) }),
    (.sqrt, { $0.squareRoot() }),
    (.rsqrt, { 1 / $0.squareRoot() }),
    (.square, { $0 * $0 }),
    (.reciprocal, { 1 / $0 }),
    (.relu, { Swift.max($0, 0) }),
    (.abs, { Swift.abs($0) }),
    (.sign, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
    (.tanh, { Foundation.tanh($0) }),
    (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }),
    (.positive, { $0 > 0 ? 1 : 0 }),
  ]

  @Test func unaryOpsMatchReference() {
    // Mixed signs plus exact zeros for the kinked ops; positive inputs for log/sqrt/rsqrt.
    var mixed = TestInputs.uniform([3, 50], low: -3, high: 3, seed: 5)
    mixed.data[7] = 0
    mixed.data[8] = -0.0
    let positive = TestInputs.uniform([3, 50], low: 0.05, high: 4, seed: 6)
    for (op, reference) in Self.unaryCases {
      let input = [.log, .sqrt, .rsqrt, .reciprocal].contains(op) ? positive : mixed
      let out = input.unary(op)
      #expect(out.shape == input.shape)
      let comparison = Approx.compare(
        out.data, input.data.map { reference(Double($0)) }, rtol: 2e-6, atol: 1e-7)
      #expect(comparison.passed, "\(op): \(comparison)")
    }
  }

  @Test func unaryOnLargeArrayUsesSameValues() {
    let x = TestInputs.uniform([300_000], low: -2, high: 2, seed: 7)
    let out = x.unary(.tanh)
    let single = NDArray(shape: [1], data: [x.data[123_456]]).unary(.tanh)
    #expect(out.data[123_456] == single.data[0])
  }

  @Test func addScaledAndDot() {
    var a = NDArray(shape: [4], data: [1, 2, 3, 4])
    let b = NDArray(shape: [2, 2], data: [1, -1, 0.5, 2])
    a.addScaled(b, 2)
    #expect(a.data == [3, 0, 4, 8])
    #expect(a.dot(b) == 3 - 0 + 2 + 16)
  }

  @Test func scaleAndAddRows() {
    var a = NDArray(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
    a.scale(by: 2)
    #expect(a.data == [2, 4, 6, 8, 10, 12])
    a.addRows(NDArray(shape: [2, 2], data: [1, 1, -1, -1]), at: 1)
    #expect(a.data == [2, 4, 7, 9, 9, 11])
  }
}

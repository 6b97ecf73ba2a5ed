import Autodiff
import TensorCore
import TestSupport
import Testing

@Suite struct ElementwiseGradientTests {
  /// Shape pairs that broadcast on the left, the right, or both sides.
  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([3, 1], [1, 4]), ([2, 1, 3], []),
    ([], [2, 2]), ([2, 3, 2, 2], [1, 3, 1, 1]),
  ]

  enum Binary: String, CaseIterable, Sendable {
    case add, subtract, multiply, divide

    func apply(_ a: Tensor, _ b: Tensor) -> Tensor {
      switch self {
      case .add: return a + b
      case .subtract: return a - b
      case .multiply: return a * b
      case .divide: return a / b
      }
    }
  }

  @Test(arguments: Binary.allCases, shapePairs)
  func binaryWithBroadcasting(op: Binary, shapes: ([Int], [Int])) {
    let a = TestInputs.uniform(shapes.0, seed: 1)
    // Divisors stay in ±[0.5, 1.5] so 1/b is smooth on the ±2ε stencil.
    let b =
      op == .divide
      ? TestInputs.awayFromZero(shapes.1, margin: 0.5, high: 1.5, seed: 2)
      : TestInputs.uniform(shapes.1, seed: 2)
    expectGradient("\(op) \(shapes)", inputs: [a, b]) { op.apply($0[0], $0[1]) }
  }

  @Test func sameTensorOnBothSides() {
    let a = TestInputs.awayFromZero([2, 3], margin: 0.5, seed: 3)
    expectGradient("a * a", inputs: [a]) { $0[0] * $0[0] }
    expectGradient("a / a + a - a", inputs: [a]) { $0[0] / $0[0] + $0[0] - $0[0] }
  }

  @Test func scalarOperands() {
    let a = TestInputs.uniform([2, 3], seed: 4)
    expectGradient("a + 2", inputs: [a]) { $0[0] + 2 }
    expectGradient("a - 2", inputs: [a]) { $0[0] - 2 }
    expectGradient("a * 3", inputs: [a]) { $0[0] * 3 }
    expectGradient("3 * a", inputs: [a]) { 3 * $0[0] }
    expectGradient("a / 4", inputs: [a]) { $0[0] / 4 }
    expectGradient("2 - a", inputs: [a]) { 2 - $0[0] }
  }

  /// A unary op with the inputs it is checked on.
  enum Unary: String, CaseIterable, Sendable {
    case negate, exp, log, sqrt, square, relu, tanh, abs, cube, powFractional, powNegative

    var input: NDArray {
      let shape = [3, 4]
      switch self {
      case .negate, .exp, .square, .tanh, .cube:
        return TestInputs.uniform(shape, low: -2, high: 2, seed: 5)
      case .log, .sqrt, .powFractional, .powNegative:
        return TestInputs.uniform(shape, low: 0.5, high: 2, seed: 6)
      case .relu, .abs:
        // NOTE: kinks at 0; |x| ≥ 0.1 keeps the ±2ε = ±0.02 stencil on one side.
        return TestInputs.awayFromZero(shape, margin: 0.1, high: 2, seed: 7)
      }
    }

    func apply(_ x: Tensor) -> Tensor {
      switch self {
      case .negate: return -x
      case .exp: return x.exp()
      case .log: return x.log()
      case .sqrt: return x.sqrt()
      case .square: return x.square()
      case .relu: return x.relu()
      case .tanh: return x.tanh()
      case .abs: return x.abs()
      case .cube: return x.pow(3)
      case .powFractional: return x.pow(2.5)
      case .powNegative: return x.pow(-1.5)
      }
    }
  }

  @Test(arguments: Unary.allCases)
  func unary(op: Unary) {
    expectGradient("\(op)", inputs: [op.input]) { op.apply($0[0]) }
  }

  @Test func chainOfUnaryOps() {
    let x = TestInputs.uniform([2, 5], low: 0.2, high: 1.5, seed: 8)
    expectGradient("exp(tanh(sqrt(x))) · log(x)", inputs: [x]) { t in
      t[0].sqrt().tanh().exp() * t[0].log()
    }
  }
}

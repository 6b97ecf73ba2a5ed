import Foundation
import TensorCore

/// Arithmetic, comparison and logic on values.
///
/// ints stay ints under `+ - * %` and non-negative `^` (overflow is an error, not a trap);
/// `/` always gives a float; mixing int and float gives float. Tensors combine with tensors
/// and numbers element-wise with NumPy broadcasting, shape-checked first. Division and
/// modulo by zero are errors.
enum Operators {
  static func unary(_ op: UnaryOperator, _ value: Value) throws -> Value {
    switch (op, value) {
    case (.negate, .int(let number)):
      let (result, overflow) = Int(0).subtractingReportingOverflow(number)
      if overflow { throw ShellError.overflow }
      return .int(result)
    case (.negate, .float(let number)): return .float(-number)
    case (.negate, .tensor(let array)): return .tensor(-array)
    case (.not, .bool(let flag)): return .bool(!flag)
    default:
      throw ShellError.typeMismatch(
        expected: op == .not ? "bool" : "number or tensor", found: value.typeName,
        context: "operator '\(op.rawValue)'")
    }
  }

  static func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value {
    switch op {
    case .equal: return .bool(try equal(lhs, rhs))
    case .notEqual: return .bool(!(try equal(lhs, rhs)))
    case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, lhs, rhs))
    case .and, .or: throw logicError(op, lhs)
    case .add, .subtract, .multiply, .divide, .modulo, .power: return try arithmetic(op, lhs, rhs)
    }
  }

  /// The error for a non-bool operand of `and`/`or`.
  static func logicError(_ op: BinaryOperator, _ operand: Value) -> ShellError {
    .typeMismatch(expected: "bool", found: operand.typeName, context: "operator '\(op.rawValue)'")
  }

  // MARK: - Arithmetic

  private static func arithmetic(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)): return try integer(op, a, b)
    case (.string(let a), .string(let b)) where op == .add:
      let bytes = MemoryBudget.sum(a.utf8.count, b.utf8.count)
      try MemoryBudget.check(bytes, for: "operator '+' (a string)")
      return .string(a + b)
    case (.list(let a), .list(let b)) where op == .add:
      let count = MemoryBudget.sum(a.count, b.count)
      let bytes = count.flatMap { MemoryBudget.product($0, MemoryLayout<Value>.stride) }
      try MemoryBudget.check(bytes, for: "operator '+' (a list of \(count ?? Int.max) items)")
      return .list(a + b)
    case (.tensor, _), (_, .tensor): return try tensor(op, lhs, rhs)
    default:
      guard let a = lhs.number, let b = rhs.number else { throw mismatch(op, lhs, rhs) }
      return .float(try real(op, a, b))
    }
  }

  private static func integer(_ op: BinaryOperator, _ a: Int, _ b: Int) throws -> Value {
    let result: (partialValue: Int, overflow: Bool)
    switch op {
    case .add: result = a.addingReportingOverflow(b)
    case .subtract: result = a.subtractingReportingOverflow(b)
    case .multiply: result = a.multipliedReportingOverflow(by: b)
    case .divide: return .float(try real(op, Double(a), Double(b)))
    case .modulo:
      guard b != 0 else { throw ShellError.divisionByZero }
      if b == -1 { return .int(0) }  // NOTE: Int.min % -1 traps in Swift.
      let r = a % b
      return .int(r != 0 && (r < 0) != (b < 0) ? r + b : r)
    case .power:
      guard b >= 0 else { return .float(try real(op, Double(a), Double(b))) }
      return .int(try power(a, b))
    default: throw mismatch(op, .int(a), .int(b))
    }
    if result.overflow { throw ShellError.overflow }
    return .int(result.partialValue)
  }

  /// a^b by squaring, with overflow checks.
  private static func power(_ base: Int, _ exponent: Int) throws -> Int {
    var result = 1
    var factor = base
    var remaining = exponent
    while remaining > 0 {
      if remaining & 1 == 1 {
        let (product, overflow) = result.multipliedReportingOverflow(by: factor)
        if overflow { throw ShellError.overflow }
        result = product
      }
      remaining >>= 1
      if remaining > 0 {
        let (square, overflow) = factor.multipliedReportingOverflow(by: factor)
        if overflow { throw ShellError.overflow }
        factor = square
      }
    }
    return result
  }

  /// Floored modulo (the sign follows the divisor, as in Python and Lua).
  private static func real(_ op: BinaryOperator, _ a: Double, _ b: Double) throws -> Double {
    switch op {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide:
      guard b != 0 else { throw ShellError.divisionByZero }
      return a / b
    case .modulo:
      guard b != 0 else { throw ShellError.divisionByZero }
      return a - b * (a / b).rounded(.down)
    case .power: return Foundation.pow(a, b)
    default: throw mismatch(op, .float(a), .float(b))
    }
  }

  private static func tensor(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value {
    let kernels: [BinaryOperator: BinaryOp] = [
      .add: .add, .subtract: .subtract, .multiply: .multiply, .divide: .divide,
    ]
    guard let kernel = kernels[op], let a = asArray(lhs), let b = asArray(rhs) else {
      throw mismatch(op, lhs, rhs)
    }
    do {
      // Incompatible shapes fall through to the kernel's own check and message.
      if let shape = Shape.broadcast(a.shape, b.shape) {
        let bytes = MemoryBudget.product(shape + [MemoryLayout<Float>.stride])
        try MemoryBudget.check(bytes, for: "operator '\(op.rawValue)' (a tensor \(shape))")
      }
      return .tensor(try a.checked(kernel, b))
    } catch let error as ShapeError {
      throw ShellError.failed(error.description)
    }
  }

  private static func asArray(_ value: Value) -> NDArray? {
    if case .tensor(let array) = value { return array }
    return value.number.map { NDArray(scalar: Float($0)) }
  }

  private static func mismatch(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) -> ShellError {
    .invalidOperands(operator: op.rawValue, lhs: lhs.typeName, rhs: rhs.typeName)
  }

  // MARK: - Comparison

  /// Structural equality; numbers compare across int and float.
  static func equal(_ lhs: Value, _ rhs: Value) throws -> Bool {
    switch (lhs, rhs) {
    case (.none, .none): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.tensor(let a), .tensor(let b)): return a == b
    case (.object(let a), .object(let b)): return a === b
    default:
      if let a = lhs.number, let b = rhs.number { return a == b }
      if let a = lhs.elements, let b = rhs.elements {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where !(try equal(x, y)) { return false }
        return true
      }
      return false
    }
  }

  private static func compare(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Bool {
    let order: ComparisonResult
    if case (.int(let a), .int(let b)) = (lhs, rhs) {
      order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
    } else if let a = lhs.number, let b = rhs.number {
      if a.isNaN || b.isNaN { return false }
      order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
    } else if case (.string(let a), .string(let b)) = (lhs, rhs) {
      order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
    } else {
      throw mismatch(op, lhs, rhs)
    }
    switch op {
    case .less: return order == .orderedAscending
    case .lessEqual: return order != .orderedDescending
    case .greater: return order == .orderedDescending
    default: return order != .orderedAscending
    }
  }
}

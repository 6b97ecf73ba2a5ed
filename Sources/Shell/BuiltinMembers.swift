import TensorCore

/// Fields, methods and indexing for the built-in value types (objects bring their own).
enum BuiltinMembers {
  /// The field names of `value`'s type, for completion and "did you mean".
  static func fieldNames(of value: Value) -> [String] {
    switch value {
    case .tensor: return ["shape", "rank", "count", "sum", "mean", "min", "max"]
    case .list: return ["count", "sum", "mean", "min", "max"]
    case .range: return ["count", "start", "stop", "step", "list"]
    case .string: return ["count"]
    case .object(let object): return object.fieldNames
    case .none, .bool, .int, .float: return []
    }
  }

  /// `value.name`, or nil when the type has no such field.
  static func field(_ name: String, of value: Value) throws -> Value? {
    switch value {
    case .tensor(let array): return try tensorField(name, array)
    case .list(let items):
      if name == "count" { return .int(items.count) }
      return try statistic(name, items.map { $0.number }, typeName: "list")
    case .range(let range): return rangeField(name, range)
    case .string(let text): return name == "count" ? .int(text.count) : nil
    case .object(let object): return try object.field(name)
    case .none, .bool, .int, .float: return nil
    }
  }

  private static func tensorField(_ name: String, _ array: NDArray) throws -> Value? {
    switch name {
    case "shape": return .list(array.shape.map { .int($0) })
    case "rank": return .int(array.rank)
    case "count": return .int(array.count)
    default: return try statistic(name, array.data.map { Double($0) }, typeName: "tensor")
    }
  }

  private static func rangeField(_ name: String, _ range: NumericRange) -> Value? {
    let number: (Double) -> Value = { range.isIntegral ? .int(Int($0.rounded())) : .float($0) }
    switch name {
    case "count": return .int(range.count)
    case "start": return number(range.start)
    case "stop": return number(range.stop)
    case "step": return number(range.step)
    case "list": return .list(range.values)
    default: return nil
    }
  }

  /// sum, mean, min or max of numbers (nil entries are non-numbers).
  private static func statistic(_ name: String, _ numbers: [Double?], typeName: String) throws
    -> Value?
  {
    guard ["sum", "mean", "min", "max"].contains(name) else { return nil }
    let values = numbers.compactMap { $0 }
    guard values.count == numbers.count else {
      throw ShellError.failed("\(name) needs a \(typeName) of numbers")
    }
    guard !values.isEmpty || name == "sum" else {
      throw ShellError.failed("\(name) of an empty \(typeName)")
    }
    switch name {
    case "sum": return .float(values.reduce(0, +))
    case "mean": return .float(values.reduce(0, +) / Double(values.count))
    case "min": return .float(values.min() ?? 0)
    default: return .float(values.max() ?? 0)
    }
  }

  // MARK: - Indexing

  /// `container[index]`: list and range elements (negative counts from the end) and the
  /// sub-array along a tensor's first axis.
  static func element(of container: Value, at index: Value) throws -> Value {
    guard case .int(let position) = index else {
      throw ShellError.typeMismatch(expected: "int", found: index.typeName, context: "an index")
    }
    switch container {
    case .list(let items):
      return items[try resolve(position, count: items.count)]
    case .range(let range):
      return range.element(try resolve(position, count: range.count))
    case .tensor(let array) where array.rank > 0:
      let row = try resolve(position, count: array.shape[0])
      return .tensor(array.rows(row..<(row + 1)).reshaped(Array(array.shape.dropFirst())))
    default:
      throw ShellError.typeMismatch(
        expected: "list, range or tensor", found: container.typeName, context: "indexing")
    }
  }

  private static func resolve(_ position: Int, count: Int) throws -> Int {
    let index = position < 0 ? count + position : position
    guard index >= 0, index < count else {
      throw ShellError.indexOutOfRange(index: position, count: count)
    }
    return index
  }

  // MARK: - Methods

  /// Methods of built-in types: `t.reshape [2, 3]`.
  static func methods(of value: Value) -> [Command] {
    guard case .tensor = value else { return [] }
    return [reshape]
  }

  private static var reshape: Command {
    Command(
      name: "reshape", family: .tensor, summary: "The same elements in a new shape.",
      parameters: [
        .positional(
          "shape", .list(.int), bounds: .atLeast(-1), doc: "the new shape; one axis may be -1")
      ],
      example: "t.reshape [3, -1]"
    ) { context in
      guard case .tensor(let array) = context.receiver else { return .none }
      let shape = try context.arguments.list("shape").compactMap { value -> Int? in
        if case .int(let n) = value { return n } else { return nil }
      }
      guard shape.allSatisfy({ $0 >= -1 }), shape.filter({ $0 == -1 }).count <= 1 else {
        throw context.arguments.invalid("shape", "sizes must be ≥ 0, with at most one -1")
      }
      do {
        return .tensor(try array.reshaped(checking: shape))
      } catch let error as ShapeError {
        throw context.arguments.invalid("shape", error.description)
      }
    }
  }
}

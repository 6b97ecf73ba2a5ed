import TensorCore

/// Small built-in tensor constructors, for trying things at the prompt.
public enum TensorCommands: CommandProvider {
  /// The tensor family's registry entries.
  public static var commands: [Command] { [tensor, zeros, randn] }

  static var tensor: Command {
    Command(
      name: "tensor", family: .tensor, summary: "Makes a tensor from nested lists of numbers.",
      parameters: [
        .positional("values", .any, doc: "a number or nested lists of equal length")
      ],
      example: "t = tensor [[1, 2, 3], [4, 5, 6]]"
    ) { context in
      guard let value = context.arguments["values"] else { return .none }
      var shape: [Int] = []
      var probe = value
      while let items = probe.elements {
        shape.append(items.count)
        guard let first = items.first else { break }
        probe = first
      }
      let bytes = MemoryBudget.product(shape + [MemoryLayout<Float>.stride])
      do { try MemoryBudget.check(bytes, for: "'tensor' \(shape)") } catch let error as ShellError {
        throw context.arguments.failure(error, at: "values")
      }
      var data: [Float] = []
      try flatten(value, depth: 0, shape: shape, into: &data, arguments: context.arguments)
      return .tensor(NDArray(shape: shape, data: data))
    }
  }

  /// Appends the numbers of `value` to `data`, checking it has `shape` from `depth` down
  /// (the shape was read off the first element at each depth).
  private static func flatten(
    _ value: Value, depth: Int, shape: [Int], into data: inout [Float], arguments: Arguments
  ) throws {
    if depth == shape.count {
      guard let number = value.number else {
        throw arguments.invalid("values", "expected numbers, found \(value.typeName)")
      }
      data.append(Float(number))
      return
    }
    guard let items = value.elements, items.count == shape[depth] else { throw ragged(arguments) }
    for item in items {
      try flatten(item, depth: depth + 1, shape: shape, into: &data, arguments: arguments)
    }
  }

  private static func ragged(_ arguments: Arguments) -> ShellError {
    arguments.invalid("values", "nested lists must all have the same length")
  }

  static var zeros: Command {
    Command(
      name: "zeros", family: .tensor, summary: "A tensor of zeros.",
      parameters: [
        .positional("shape", .list(.int), bounds: .atLeast(0), doc: "the shape, e.g. [2, 3]")
      ],
      example: "z = zeros [2, 3]"
    ) { context in
      .tensor(NDArray.zeros(try checkedShape(context.arguments)))
    }
  }

  static var randn: Command {
    Command(
      name: "randn", family: .tensor, summary: "A tensor of normal random numbers.",
      discussion: "Without seed= it draws the next stream of the global seed.",
      parameters: [
        .positional("shape", .list(.int), bounds: .atLeast(0), doc: "the shape, e.g. [2, 3]"),
        .keyword(
          "std", .float, default: .float(1), bounds: .nonNegative, doc: "standard deviation"),
        .keyword("seed", .int, bounds: .seed, doc: "a seed for this draw only"),
      ],
      example: "eps = randn [4, 4] std=0.1 seed=3"
    ) { context in
      let shape = try checkedShape(context.arguments)
      let std = try context.arguments.float("std")
      var stream = try context.randomStream()
      let data = stream.normal(Shape.count(shape), std: Float(std))
      return .tensor(NDArray(shape: shape, data: data))
    }
  }

  /// The `shape` argument (sizes ≥ 0 by its bounds), its Float32 elements within the memory
  /// budget.
  private static func checkedShape(_ arguments: Arguments) throws -> [Int] {
    let shape = try arguments.list("shape").compactMap { value -> Int? in
      if case .int(let size) = value { return size } else { return nil }
    }
    let bytes = MemoryBudget.product(shape + [MemoryLayout<Float>.stride])
    do {
      try MemoryBudget.check(bytes, for: "'\(arguments.commandName)' \(shape)", lower: "shape")
    } catch let error as ShellError {
      throw arguments.failure(error, at: "shape")
    }
    return shape
  }
}

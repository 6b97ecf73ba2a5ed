import TensorCore

/// An array as stored in a `.npy` file: a shape and typed elements in C (row-major) order.
///
/// Four element types are kept as they are: float32 ('<f4'), float64 ('<f8'), int64 ('<i8', as
/// `Int`) and uint8 ('|u1'). Reading also accepts '<i4' (widened to int64) and '|b1' (booleans
/// as 0/1 bytes). Float64 stays Double so logits exported from other frameworks keep their
/// precision; the NDArray views round it to Float32.
public struct NPYArray: Sendable, Equatable {
  /// The elements, by type.
  public enum Elements: Sendable, Equatable {
    /// '<f4'.
    case float32([Float])
    /// '<f8'.
    case float64([Double])
    /// '<i8'.
    case int64([Int])
    /// '|u1'.
    case uint8([UInt8])
  }

  /// Extent of each axis; `[]` is a scalar.
  public let shape: [Int]
  /// The elements, `shape.reduce(1, *)` of them.
  public let elements: Elements

  /// A float32 array holding `array`'s elements and shape.
  public init(_ array: NDArray) {
    self.init(unchecked: array.shape, .float32(array.data))
  }

  /// A float32 array.
  /// - Throws: `ShapeError.countMismatch` when `values` cannot fill `shape`.
  public init(float32 values: [Float], shape: [Int]) throws {
    try Self.check(values.count, shape)
    self.init(unchecked: shape, .float32(values))
  }

  /// A float64 array (e.g. logits at full precision).
  /// - Throws: `ShapeError.countMismatch` when `values` cannot fill `shape`.
  public init(float64 values: [Double], shape: [Int]) throws {
    try Self.check(values.count, shape)
    self.init(unchecked: shape, .float64(values))
  }

  /// An int64 array (e.g. labels).
  /// - Throws: `ShapeError.countMismatch` when `values` cannot fill `shape`.
  public init(int64 values: [Int], shape: [Int]) throws {
    try Self.check(values.count, shape)
    self.init(unchecked: shape, .int64(values))
  }

  /// A uint8 array (e.g. raw pixels or masks).
  /// - Throws: `ShapeError.countMismatch` when `values` cannot fill `shape`.
  public init(uint8 values: [UInt8], shape: [Int]) throws {
    try Self.check(values.count, shape)
    self.init(unchecked: shape, .uint8(values))
  }

  init(unchecked shape: [Int], _ elements: Elements) {
    self.shape = shape
    self.elements = elements
  }

  private static func check(_ count: Int, _ shape: [Int]) throws {
    guard shape.allSatisfy({ $0 >= 0 }), Shape.count(shape) == count else {
      throw ShapeError.countMismatch(op: "npy array", count: count, shape: shape)
    }
  }

  /// Number of elements.
  public var count: Int {
    switch elements {
    case .float32(let values): return values.count
    case .float64(let values): return values.count
    case .int64(let values): return values.count
    case .uint8(let values): return values.count
    }
  }

  /// The numpy type string this array is written with: '<f4', '<f8', '<i8' or '|u1'.
  public var descr: String {
    switch elements {
    case .float32: return "<f4"
    case .float64: return "<f8"
    case .int64: return "<i8"
    case .uint8: return "|u1"
    }
  }

  /// The elements as an NDArray when they are floating point (float64 rounded), else nil.
  public var float32Array: NDArray? {
    switch elements {
    case .float32(let values): return NDArray(shape: shape, data: values)
    case .float64(let values): return NDArray(shape: shape, data: values.map(Float.init))
    case .int64, .uint8: return nil
    }
  }

  /// The elements as Doubles whatever their type (exact for float32, float64 and integers
  /// up to 2^53).
  public var doubles: [Double] {
    switch elements {
    case .float32(let values): return values.map(Double.init)
    case .float64(let values): return values
    case .int64(let values): return values.map(Double.init)
    case .uint8(let values): return values.map(Double.init)
    }
  }

  /// True for float32 and float64 elements.
  public var isFloatingPoint: Bool {
    switch elements {
    case .float32, .float64: return true
    case .int64, .uint8: return false
    }
  }

  /// The elements as integers when they are int64 or uint8, else nil.
  public var integers: [Int]? {
    switch elements {
    case .float32, .float64: return nil
    case .int64(let values): return values
    case .uint8(let values): return values.map(Int.init)
    }
  }

  /// The elements converted to Float32 whatever their type (int64 beyond 2^24 rounds).
  public func toNDArray() -> NDArray {
    switch elements {
    case .float32(let values): return NDArray(shape: shape, data: values)
    case .float64(let values): return NDArray(shape: shape, data: values.map(Float.init))
    case .int64(let values): return NDArray(shape: shape, data: values.map(Float.init))
    case .uint8(let values): return NDArray(shape: shape, data: values.map(Float.init))
    }
  }
}

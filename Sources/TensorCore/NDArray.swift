import Foundation

/// A dense Float32 array in row-major (C) order, e.g. images as [N, C, H, W].
///
/// A value type: storage is a Swift array, so copies are cheap until one side writes
/// (copy-on-write). Every array is contiguous; movement ops (permute, slice, pad) materialise
/// their result, which keeps every kernel on its fast path.
public struct NDArray: Sendable, Equatable {
  /// Extent of each axis.
  public private(set) var shape: [Int]
  /// The elements in row-major order; `data.count == Shape.count(shape)`.
  public var data: [Float]

  /// Wraps `data` with `shape`; the caller guarantees the element count matches.
  public init(shape: [Int], data: [Float]) {
    precondition(Shape.count(shape) == data.count, "NDArray: \(data.count) elements for \(shape)")
    self.shape = shape
    self.data = data
  }

  /// Checked form for user input: throws when `data` cannot fill `shape`.
  public init(validating data: [Float], shape: [Int]) throws {
    guard shape.allSatisfy({ $0 >= 0 }), Shape.count(shape) == data.count else {
      throw ShapeError.countMismatch(op: "array", count: data.count, shape: shape)
    }
    self.init(shape: shape, data: data)
  }

  /// An array of `shape` filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    self.init(shape: shape, data: [Float](repeating: value, count: Shape.count(shape)))
  }

  /// Zeros of `shape`.
  public static func zeros(_ shape: [Int]) -> NDArray { NDArray(repeating: 0, shape: shape) }

  /// Ones of `shape`.
  public static func ones(_ shape: [Int]) -> NDArray { NDArray(repeating: 1, shape: shape) }

  /// A rank-0 array holding `value`.
  public init(scalar value: Float) { self.init(shape: [], data: [value]) }

  /// Number of axes.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { data.count }
  /// The single element of a one-element array.
  public var scalar: Float {
    precondition(data.count == 1, "scalar of an array with \(data.count) elements")
    return data[0]
  }

  /// Same elements, new shape (same count; trap on misuse — use `reshaped(checking:)` for input).
  public func reshaped(_ newShape: [Int]) -> NDArray {
    var copy = self
    copy.shape = Self.resolve(newShape, count: count) ?? newShape
    precondition(Shape.count(copy.shape) == count, "reshape \(shape) -> \(newShape)")
    return copy
  }

  /// Checked reshape; one axis may be -1 and is inferred.
  public func reshaped(checking newShape: [Int]) throws -> NDArray {
    guard let resolved = Self.resolve(newShape, count: count),
      Shape.checkedCount(resolved) == count
    else {
      throw ShapeError.countMismatch(op: "reshape", count: count, shape: newShape)
    }
    return reshaped(resolved)
  }

  private static func resolve(_ shape: [Int], count: Int) -> [Int]? {
    guard let hole = shape.firstIndex(of: -1) else { return shape }
    let others = shape.enumerated().filter { $0.offset != hole }.map(\.element)
    guard let known = Shape.checkedCount(others), known > 0, count % known == 0 else {
      return nil
    }
    var out = shape
    out[hole] = count / known
    return out
  }

  /// Calls `body` with a pointer to the elements.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try data.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with a mutable pointer to the elements.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try data.withUnsafeMutableBufferPointer(body)
  }

  /// True when every element is finite (no NaN or ±Inf).
  public var isFinite: Bool {
    data.withUnsafeBufferPointer { buffer in
      var ok = true
      for v in buffer where !v.isFinite {
        ok = false
        break
      }
      return ok
    }
  }
}

extension NDArray: CustomStringConvertible {
  /// Shape and the first few elements, for diagnostics.
  public var description: String {
    let head = data.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
    return "NDArray\(shape)[\(head)\(data.count > 8 ? ", …" : "")]"
  }
}

/// Allocates an uninitialised-then-filled Float array of `count` elements.
@inlinable
func makeArray(count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
  if count == 0 { return [] }
  _ = Allocator.configured
  return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
    fill(buffer)
    initialized = count
  }
}

/// A Float array of `count` elements left uninitialised, for buffers every element of which
/// is written before it is read (the partial sums of a GEMM whose first product has β = 0):
/// zeroing them first would cost a memset of several MB per convolution backward.
func uninitializedArray(count: Int) -> [Float] {
  _ = Allocator.configured
  return [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Keeps freed tensor buffers in the heap instead of returning them to the kernel: without
/// this every large op result is a fresh mmap, and page faults plus zeroing cost more than
/// the element-wise arithmetic itself.
@usableFromInline
enum Allocator {
  @usableFromInline static let configured: Bool = {
    // glibc's <malloc.h> constants: M_TRIM_THRESHOLD −1, M_MMAP_MAX −4, M_ARENA_MAX −8.
    // No mmap at all (the mmap threshold cannot exceed 32 MiB, smaller than one activation
    // batch), and never trim the heap: a training step frees ≈ 1.3 GiB of activations, which
    // trimming would hand back to the kernel only to fault them in again on the next step.
    _ = glibcMallopt(-4, 0)
    _ = glibcMallopt(-1, -1)
    _ = glibcMallopt(-8, 2)
    return true
  }()
}

/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

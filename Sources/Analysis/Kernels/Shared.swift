import TensorCore

extension Array {
  /// Calls `body` with a `SharedPointer` to the elements, for `Parallel.forEachRange` ranges
  /// that write disjoint elements (the array must not be empty, or `body` must not read).
  mutating func withSharedPointer<R>(_ body: (SharedPointer<Element>) -> R) -> R {
    withUnsafeMutableBufferPointer { buffer in
      let base =
        buffer.baseAddress
        ?? UnsafeMutablePointer<Element>(bitPattern: MemoryLayout<Element>.alignment)!
      return body(SharedPointer(base))
    }
  }

  /// Calls `body` with a read-only `SharedPointer` to the elements.
  func withReadOnlyPointer<R>(_ body: (SharedPointer<Element>) -> R) -> R {
    withUnsafeBufferPointer { buffer in
      let base =
        buffer.baseAddress
        ?? UnsafePointer<Element>(bitPattern: MemoryLayout<Element>.alignment)!
      return body(SharedPointer(readOnly: base))
    }
  }
}

/// Fills an array of `count` elements, element i = `value(i)`, over the `Parallel` workers.
/// Each element is computed on its own, so the result does not depend on the thread count.
func parallelMap<T>(_ count: Int, cost: Int, _ value: (Int) -> T) -> [T] {
  guard count > 0 else { return [] }
  return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
    let out = SharedPointer(buffer.baseAddress!)
    Parallel.forEachRange(count, costPerItem: cost) { range in
      for i in range { (out.base + i).initialize(to: value(i)) }
    }
    initialized = count
  }
}

/// Σ values in index order (a fixed order, so the sum never depends on threads).
func orderedSum(_ values: [Double]) -> Double {
  var total = 0.0
  for v in values { total += v }
  return total
}

import Dispatch
import Foundation

/// Thread settings and the row-range splitter every non-BLAS kernel uses.
public enum Parallel {
  /// Worker threads for element-wise, reduction and im2col kernels (BLAS has its own).
  /// Results never depend on this number: work is split by rows and each row is computed
  /// the same way whichever thread runs it.
  nonisolated(unsafe) public static var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  /// Ranges per worker. Dispatch hands them out as threads come free, so a core slowed by
  /// another process takes fewer, and the other workers do not wait for it as they would with
  /// one fixed range each.
  @usableFromInline static let piecesPerWorker = 4

  /// Runs `body` over `0..<count` split into contiguous ranges, in parallel when the
  /// work (`count * costPerItem` element operations) is large enough to pay for threads.
  @inlinable
  public static func forEachRange(
    _ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void
  ) {
    let workers = min(threads, count)
    if workers <= 1 || count * costPerItem < 1 << 15 {
      if count > 0 { body(0..<count) }
      return
    }
    let pieces = min(count, workers * piecesPerWorker)
    let chunk = (count + pieces - 1) / pieces
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: pieces) { w in
        let start = w * chunk
        let end = min(count, start + chunk)
        if start < end { body(start..<end) }
      }
    }
  }
}

/// A pointer that concurrent workers (the ranges of `Parallel.forEachRange`, GEMM blocks) may
/// share: they write disjoint elements, or only read. Inputs are shared through
/// `init(readOnly:)`, and nothing writes through those.
public struct SharedPointer<Element>: @unchecked Sendable {
  public let base: UnsafeMutablePointer<Element>
  @inlinable public init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
  @inlinable public init(readOnly base: UnsafePointer<Element>) {
    self.base = UnsafeMutablePointer(mutating: base)
  }
  @inlinable public subscript(i: Int) -> Element {
    get { base[i] }
    nonmutating set { base[i] = newValue }
  }
}

/// Runs `body` with shareable pointers to three arrays' elements (kernels read their inputs
/// from `Parallel.forEachRange` ranges). An empty array gives a dangling pointer that must
/// not be read.
func withSharedPointers<R>(
  _ a: [Float], _ b: [Float], _ c: [Float] = [],
  _ body: (SharedPointer<Float>, SharedPointer<Float>, SharedPointer<Float>) -> R
) -> R {
  a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      c.withUnsafeBufferPointer { pc in
        // An empty array's base address may be nil.
        let empty = UnsafePointer<Float>(bitPattern: MemoryLayout<Float>.alignment)!
        return body(
          SharedPointer(readOnly: pa.baseAddress ?? empty),
          SharedPointer(readOnly: pb.baseAddress ?? empty),
          SharedPointer(readOnly: pc.baseAddress ?? empty))
      }
    }
  }
}

import Foundation

/// The last few filter transforms U = G g Gᵀ, keyed by the filter's exact bits. A DC matching
/// step transforms the same weights for the real forward and input gradient, the synthetic
/// forward, its recorded input gradient and that node's adjoint, in every class; the
/// second-order filter-gradient adjoint transforms its filter-shaped seed twice. Returning the
/// stored U is exactly what recomputing it gives, so results do not change.
final class WinogradFilterCache: @unchecked Sendable {
  static let shared = WinogradFilterCache()
  /// Entries kept, most recent first: the distinct filters of one network's 3×3 layers and
  /// a seed or two (≈ 2.4 MB of U each at 128×128 channels under F(4×4)).
  static let capacity = 6

  private struct Entry {
    let tile: Int
    let shape: [Int]
    let weights: [Float]
    let transformed: [Float]
  }

  private let lock = NSLock()
  private var entries: [Entry] = []

  /// U for `w` under tile size `tile`: the stored one when `w` holds the same bits as a
  /// stored filter, else `compute()`, stored.
  func transformed(_ w: NDArray, tile: Int, compute: () -> [Float]) -> [Float] {
    if let hit = lookup(w, tile: tile) { return hit }
    let u = compute()
    lock.withLock {
      entries.insert(
        Entry(tile: tile, shape: w.shape, weights: w.data, transformed: u), at: 0)
      if entries.count > Self.capacity { entries.removeLast() }
    }
    return u
  }

  /// Empties the cache (tests).
  func removeAll() {
    lock.withLock { entries.removeAll() }
  }

  private func lookup(_ w: NDArray, tile: Int) -> [Float]? {
    lock.withLock {
      guard
        let index = entries.firstIndex(where: {
          $0.tile == tile && $0.shape == w.shape && Self.sameBits($0.weights, w.data)
        })
      else { return nil }
      let entry = entries.remove(at: index)
      entries.insert(entry, at: 0)
      return entry.transformed
    }
  }

  /// Whether a and b hold the same bits: at once when they share storage (a stored array's
  /// buffer cannot change while the cache holds it), else by comparing bytes.
  private static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { pa in
      b.withUnsafeBytes { pb in
        pa.baseAddress == pb.baseAddress || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
      }
    }
  }
}

import TensorCore

/// One minibatch: the positions it came from, its images and its labels.
public struct Batch: Sendable, Equatable {
  /// Positions in the source dataset.
  public let indices: [Int]
  /// Images, [B, C, H, W].
  public let images: NDArray
  /// B labels.
  public let labels: [Int]
}

/// Minibatches of a dataset in a fixed order, as a `Sequence` of `Batch`.
///
/// The order is decided when the batcher is made (dataset order, or one permutation drawn
/// from the caller's RNG), so iterating twice yields the same batches. All batches have
/// `size` examples except possibly the last, which is dropped when `dropLast` is set.
public struct Batcher: Sequence, Sendable {
  /// The source.
  public let dataset: Dataset
  /// Example positions in visiting order.
  public let order: [Int]
  /// Examples per batch.
  public let size: Int
  /// Whether a final short batch is skipped.
  public let dropLast: Bool

  /// Number of batches.
  public var count: Int {
    dropLast ? order.count / size : (order.count + size - 1) / size
  }

  /// The positions of batch `k` (0 ≤ k < count).
  public func indices(ofBatch k: Int) -> [Int] {
    precondition(k >= 0 && k < count, "batch \(k) of \(count)")
    return Array(order[(k * size)..<Swift.min((k + 1) * size, order.count)])
  }

  /// Iterates the batches in order.
  public struct Iterator: IteratorProtocol {
    let batcher: Batcher
    var position = 0

    /// The next batch, or nil after the last.
    public mutating func next() -> Batch? {
      guard position < batcher.count else { return nil }
      defer { position += 1 }
      return batcher.dataset.uncheckedBatch(batcher.indices(ofBatch: position))
    }
  }

  /// A fresh iterator from the first batch.
  public func makeIterator() -> Iterator { Iterator(batcher: self) }
}

extension Dataset {
  /// Minibatches in dataset order.
  /// - Parameters:
  ///   - size: Examples per batch, at least 1.
  ///   - dropLast: Skip a final batch smaller than `size`.
  /// - Throws: `DatasetError.invalidArgument` for a size below 1.
  public func batches(size: Int, dropLast: Bool = false) throws -> Batcher {
    try makeBatcher(order: Array(0..<count), size: size, dropLast: dropLast)
  }

  /// Minibatches in one random order drawn from `rng` (one permutation per call, so call
  /// once per epoch).
  /// - Parameters:
  ///   - size: Examples per batch, at least 1.
  ///   - dropLast: Skip a final batch smaller than `size`.
  ///   - rng: Draws the permutation.
  /// - Throws: `DatasetError.invalidArgument` for a size below 1.
  public func batches(
    size: Int, dropLast: Bool = false, shuffling rng: inout RandomStream
  ) throws -> Batcher {
    try checkBatchSize(size)
    return try makeBatcher(order: rng.permutation(count), size: size, dropLast: dropLast)
  }

  private func makeBatcher(order: [Int], size: Int, dropLast: Bool) throws -> Batcher {
    try checkBatchSize(size)
    return Batcher(dataset: self, order: order, size: size, dropLast: dropLast)
  }

  private func checkBatchSize(_ size: Int) throws {
    guard size >= 1 else {
      throw DatasetError.invalidArgument(
        op: "batches", argument: "size", value: "\(size)", expected: "at least 1")
    }
  }
}

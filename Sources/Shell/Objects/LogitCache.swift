import Calibration
import Datasets
import NN
import TensorCore
import Training

/// Raw logits of models on datasets, kept so that re-reading them at another temperature
/// (`metrics`, `plot reliability`, `scale` after `calibrate`) does not rerun the network.
///
/// An entry is keyed by the network object, a fingerprint of its current weights and a
/// fingerprint of the images and labels, so training a model in place or changing a dataset
/// can never return stale logits. Calibrated copies of a model share its network, hence its
/// entries. The shell runs one statement at a time, so the cache needs no lock.
enum LogitCache {
  private struct Key: Hashable {
    let network: ObjectIdentifier
    let weights: Int
    let data: Int
    let count: Int
  }

  /// Entries kept; the oldest is dropped first.
  static let capacity = 16

  nonisolated(unsafe) private static var entries: [(key: Key, logits: NDArray)] = []

  /// Networks run so far (cache misses), for tests.
  nonisolated(unsafe) private(set) static var evaluations = 0

  /// Raw logits [N, K] of `model` on `data`, computed (and cached) unless already known.
  /// Polls Ctrl-C between batches; an interrupted run caches nothing.
  /// - Throws: `TrainingError.interrupted` when stopped.
  static func logits(_ model: ConvNet, on data: Dataset, batchSize: Int = 256) throws -> NDArray {
    let key = Key(
      network: ObjectIdentifier(model), weights: fingerprint(model.parameters.values),
      data: fingerprint([data.images], labels: data.labels), count: data.count)
    if let hit = entries.first(where: { $0.key == key }) { return hit.logits }
    let result = try Evaluation.evaluate(
      model, images: data.images, labels: data.labels, batchSize: batchSize,
      shouldStop: { Interrupt.isRequested })
    evaluations += 1
    entries.append((key, result.logits))
    if entries.count > capacity { entries.removeFirst() }
    return result.logits
  }

  /// A hash of the arrays' shapes and exact bits (and of `labels`).
  static func fingerprint(_ arrays: [NDArray], labels: [Int] = []) -> Int {
    var hasher = Hasher()
    for array in arrays {
      hasher.combine(array.shape)
      array.withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
    labels.withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    return hasher.finalize()
  }

  /// Forgets every entry.
  static func removeAll() { entries.removeAll() }
}

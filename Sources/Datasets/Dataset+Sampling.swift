import TensorCore

extension Dataset {
  /// The examples at `indices`, in that order (repeats allowed).
  /// - Throws: `DatasetError.indexOutOfRange` for an index outside `0..<count`, naming its
  ///   position in `indices`.
  public func subset(_ indices: [Int]) throws -> Dataset {
    try checkIndices(indices)
    return gathering(indices)
  }

  /// All examples in a random order drawn from `rng`.
  public func shuffled(rng: inout RandomStream) -> Dataset {
    gathering(rng.permutation(count))
  }

  /// `perClass` random examples of every class, grouped by class in label order (class 0's
  /// examples first), as DC/DM initialise a synthetic set from real images.
  /// - Parameters:
  ///   - perClass: Examples per class (images per class, "ipc"), at least 0.
  ///   - rng: Draws one permutation per class, in label order.
  /// - Throws: `DatasetError.notEnoughSamples` when a class has fewer than `perClass`.
  public func samplePerClass(_ perClass: Int, rng: inout RandomStream) throws -> Dataset {
    guard perClass >= 0 else {
      throw DatasetError.invalidArgument(
        op: "samplePerClass", argument: "perClass", value: "\(perClass)", expected: "at least 0")
    }
    var chosen: [Int] = []
    for (label, members) in membersByClass().enumerated() {
      guard members.count >= perClass else {
        throw DatasetError.notEnoughSamples(
          dataset: name, classIndex: label, available: members.count, requested: perClass)
      }
      let order = rng.permutation(members.count)
      chosen += order.prefix(perClass).map { members[$0] }
    }
    return gathering(chosen)
  }

  /// Splits in dataset order: the first `Int(fraction · count)` examples, then the rest
  /// (the paper's 90/10 real-data split, docs/ALGORITHMS.md §13.3).
  /// - Throws: `DatasetError.invalidArgument` unless `0 ≤ fraction ≤ 1`.
  public func split(fraction: Double) throws -> (first: Dataset, second: Dataset) {
    try checkFraction(fraction, op: "split")
    let head = Int(fraction * Double(count))
    return (gathering(Array(0..<head)), gathering(Array(head..<count)))
  }

  /// Splits every class separately: each class's examples are shuffled by `rng`, the first
  /// `Int(fraction · n_c)` go to `first` and the rest to `second`; both are grouped by class
  /// (the per-class distilled-set split of docs/ALGORITHMS.md §13.3: ipc 10 at 0.9 gives 9 and 1).
  /// - Throws: `DatasetError.invalidArgument` unless `0 ≤ fraction ≤ 1`.
  public func splitPerClass(
    fraction: Double, rng: inout RandomStream
  ) throws -> (first: Dataset, second: Dataset) {
    try checkFraction(fraction, op: "splitPerClass")
    var first: [Int] = []
    var second: [Int] = []
    for members in membersByClass() {
      let shuffled = rng.permutation(members.count).map { members[$0] }
      let head = Int(fraction * Double(members.count))
      first += shuffled[..<head]
      second += shuffled[head...]
    }
    return (gathering(first), gathering(second))
  }

  /// Images [B, C, H, W] and labels of the examples at `indices`.
  /// - Throws: `DatasetError.indexOutOfRange` for an index outside `0..<count`.
  public func batch(_ indices: [Int]) throws -> Batch {
    try checkIndices(indices)
    return uncheckedBatch(indices)
  }

  /// `batch(_:)` for indices already known to be in range.
  func uncheckedBatch(_ indices: [Int]) -> Batch {
    Batch(indices: indices, images: images.gatherRows(indices), labels: indices.map { labels[$0] })
  }

  /// Concatenates datasets with the same image shape, class count and normalisation.
  /// - Throws: `DatasetError.invalidArgument` when the parts disagree or there are none.
  public static func concatenate(_ parts: [Dataset], name: String? = nil) throws -> Dataset {
    guard let first = parts.first else {
      throw DatasetError.invalidArgument(
        op: "concatenate", argument: "parts", value: "empty", expected: "at least one dataset")
    }
    for part in parts.dropFirst() {
      let same =
        part.imageShape == first.imageShape && part.classCount == first.classCount
        && part.normalization == first.normalization
      guard same else {
        throw DatasetError.invalidArgument(
          op: "concatenate", argument: part.name, value: "\(part.imageShape)",
          expected: "\(first.imageShape) images of \(first.classCount) classes, same normalisation")
      }
    }
    let images = NDArray.concatenateRows(parts.map(\.images))
    return Dataset(
      unchecked: name ?? first.name, images: images, labels: parts.flatMap(\.labels),
      classCount: first.classCount, classNames: first.classNames,
      normalization: first.normalization)
  }

  // MARK: - Helpers

  /// The rows at `indices` (already validated) with the same metadata.
  func gathering(_ indices: [Int]) -> Dataset {
    Dataset(
      unchecked: name, images: images.gatherRows(indices), labels: indices.map { labels[$0] },
      classCount: classCount, classNames: classNames, normalization: normalization)
  }

  /// For each label, the positions of its examples in dataset order.
  func membersByClass() -> [[Int]] {
    var members = [[Int]](repeating: [], count: classCount)
    for (index, label) in labels.enumerated() { members[label].append(index) }
    return members
  }

  private func checkIndices(_ indices: [Int]) throws {
    if let position = indices.firstIndex(where: { !(0..<count).contains($0) }) {
      throw DatasetError.indexOutOfRange(
        dataset: name, position: position, index: indices[position], count: count)
    }
  }

  private func checkFraction(_ fraction: Double, op: String) throws {
    guard fraction >= 0 && fraction <= 1 else {
      throw DatasetError.invalidArgument(
        op: op, argument: "fraction", value: "\(fraction)", expected: "a number in [0, 1]")
    }
  }
}

extension NDArray {
  /// Concatenation along axis 0 by copying rows (no padding pass).
  static func concatenateRows(_ parts: [NDArray]) -> NDArray {
    guard let first = parts.first else { return NDArray.zeros([0]) }
    var data: [Float] = []
    data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    for part in parts { data += part.data }
    let rows = parts.reduce(0) { $0 + $1.shape[0] }
    return NDArray(shape: [rows] + first.shape.dropFirst(), data: data)
  }
}

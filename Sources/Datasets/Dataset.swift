import TensorCore

/// A labelled image classification set held in memory.
///
/// Images are normalised Float32 [N, C, H, W]; `normalization` records the per-channel mean
/// and std that were applied, so `pixelImages()` can undo them for display. A value type:
/// subsets and shuffles share nothing with the original.
public struct Dataset: Sendable, Equatable {
  /// Short name used in messages, e.g. "fashion-mnist/train".
  public var name: String
  /// Normalised images, [N, C, H, W].
  public let images: NDArray
  /// One label in `0..<classCount` per image.
  public let labels: [Int]
  /// Number of classes K.
  public let classCount: Int
  /// K human-readable class names.
  public let classNames: [String]
  /// The normalisation applied to `images`.
  public let normalization: Normalization

  /// The most classes a dataset may have: class names, one-hot rows and logits are all
  /// allocated per class, so a corrupt label must not set the count.
  public static let maximumClasses = 100_000

  /// The class count labels imply (the largest + 1), or nil when one is negative or not
  /// below `maximumClasses`; computed without overflow whatever the labels hold.
  public static func impliedClassCount(_ labels: [Int]) -> Int? {
    guard labels.allSatisfy({ (0..<maximumClasses).contains($0) }) else { return nil }
    return (labels.max() ?? 0) + 1
  }

  /// A dataset from normalised images and their labels.
  /// - Parameters:
  ///   - name: Used in messages.
  ///   - images: [N, C, H, W].
  ///   - labels: N labels in `0..<classCount`.
  ///   - classCount: K ≥ 1.
  ///   - classNames: K names, or empty for "0", "1", ….
  ///   - normalization: What was applied to `images` (C channels); identity if nil.
  /// - Throws: `ShapeError` for a bad image shape or label count, `DatasetError` for labels
  ///   outside `0..<classCount` or a class-name or channel count that does not match.
  public init(
    name: String, images: NDArray, labels: [Int], classCount: Int, classNames: [String] = [],
    normalization: Normalization? = nil
  ) throws {
    guard images.rank == 4, images.shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
      throw ShapeError.mismatch(
        op: "dataset", shape: images.shape, expected: "[N, C, H, W] with C, H, W ≥ 1")
    }
    guard labels.count == images.shape[0] else {
      throw ShapeError.countMismatch(op: "dataset labels", count: labels.count, shape: images.shape)
    }
    guard (1...Self.maximumClasses).contains(classCount) else {
      throw DatasetError.invalidArgument(
        op: name, argument: "classCount", value: "\(classCount)",
        expected: "1…\(Self.maximumClasses)")
    }
    if let index = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
      throw DatasetError.invalidLabel(
        dataset: name, index: index, label: labels[index], classCount: classCount)
    }
    guard classNames.isEmpty || classNames.count == classCount else {
      throw DatasetError.invalidArgument(
        op: name, argument: "classNames", value: "\(classNames.count) names",
        expected: "\(classCount)")
    }
    let channels = images.shape[1]
    let norm = normalization ?? .identity(channels: channels)
    guard norm.channels == channels else {
      throw DatasetError.invalidArgument(
        op: name, argument: "normalization", value: "\(norm.channels) channels",
        expected: "\(channels)")
    }
    let names = classNames.isEmpty ? (0..<classCount).map { String($0) } : classNames
    self.init(
      unchecked: name, images: images, labels: labels, classCount: classCount,
      classNames: names, normalization: norm)
  }

  /// Memberwise, for callers that already hold a valid dataset's parts.
  init(
    unchecked name: String, images: NDArray, labels: [Int], classCount: Int,
    classNames: [String], normalization: Normalization
  ) {
    self.name = name
    self.images = images
    self.labels = labels
    self.classCount = classCount
    self.classNames = classNames
    self.normalization = normalization
  }

  /// Number of examples N.
  public var count: Int { labels.count }

  /// The image array's shape, [N, C, H, W].
  public var shape: [Int] { images.shape }

  /// One example's shape, [C, H, W].
  public var imageShape: [Int] { Array(images.shape.dropFirst()) }

  /// Number of examples of each class, indexed by label.
  public var classCounts: [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for label in labels { counts[label] += 1 }
    return counts
  }

  /// Positions of the examples labelled `label`, in dataset order (empty if none).
  public func indices(ofClass label: Int) -> [Int] {
    labels.indices.filter { labels[$0] == label }
  }

  /// The same labels and metadata with new images of the same shape (e.g. after ZCA).
  /// - Parameters:
  ///   - images: [N, C, H, W], the shape of `images`.
  ///   - normalization: What `images` now carry.
  /// - Throws: `ShapeError.mismatch` when the shape differs.
  public func replacingImages(
    _ images: NDArray, normalization: Normalization? = nil
  ) throws -> Dataset {
    guard images.shape == self.images.shape else {
      throw ShapeError.mismatch(
        op: "replacingImages", shape: images.shape, expected: "\(self.images.shape)")
    }
    return Dataset(
      unchecked: name, images: images, labels: labels, classCount: classCount,
      classNames: classNames, normalization: normalization ?? self.normalization)
  }

  /// Images mapped back to [0, 1] pixel scale, [N, C, H, W] (for display).
  public func pixelImages() -> NDArray {
    // The shape was validated at construction, so this cannot throw.
    (try? normalization.denormalize(images)) ?? images
  }

  /// Per-channel mean and (biased) standard deviation of the stored images, in Double.
  public func channelStatistics() -> (mean: [Double], std: [Double]) {
    let channels = images.shape[1]
    let planeSize = images.shape[2] * images.shape[3]
    var sums = [Double](repeating: 0, count: channels)
    var squares = [Double](repeating: 0, count: channels)
    for plane in 0..<(planeSize > 0 ? images.count / planeSize : 0) {
      var sum = 0.0
      var square = 0.0
      for v in images.data[(plane * planeSize)..<((plane + 1) * planeSize)] {
        sum += Double(v)
        square += Double(v) * Double(v)
      }
      sums[plane % channels] += sum
      squares[plane % channels] += square
    }
    let perChannel = Double(max(count * planeSize, 1))
    let mean = sums.map { $0 / perChannel }
    let std = zip(squares, mean).map { (max($0 / perChannel - $1 * $1, 0)).squareRoot() }
    return (mean, std)
  }
}

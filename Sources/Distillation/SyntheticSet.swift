import Datasets
import TensorCore

/// A distilled dataset: learnable images with fixed labels (ipc per class, class-major), and
/// for MTT a learned step size.
///
/// A value: the distillation loop returns updated copies. `dataset()` turns it into an
/// ordinary `Dataset` (same normalisation and class names as its source), so it trains,
/// evaluates and calibrates like any other data.
public struct SyntheticSet: Sendable, Equatable {
  /// Normalised images [K·ipc, C, H, W], class c in rows c·ipc..<(c+1)·ipc.
  public var images: NDArray
  /// K·ipc labels [0,…,0, 1,…,1, …].
  public let labels: [Int]
  /// Images per class.
  public let imagesPerClass: Int
  /// Name, classes and normalisation of the real data it was distilled from.
  public let sourceName: String
  public let classNames: [String]
  public let normalization: Normalization
  /// MTT's learned student step size (the lr its evaluation trains with); nil for DC/DSA/DM.
  public var learningRate: Float?
  /// Completed distillation iterations.
  public var iteration: Int
  /// The settings that made it ("key=value" lines; saved with the set).
  public var settings: [String]
  /// RTP: the bases and addresses `images` are made of (nil for pixel sets). Change it with
  /// `update(memory:)`, which keeps `images` equal to `memory.images()`.
  public internal(set) var memory: AddressableMemory? = nil

  /// Number of classes K.
  public var classCount: Int { labels.count / max(imagesPerClass, 1) }

  /// The K·ipc images of class `c` as a row range.
  public func rows(ofClass c: Int) -> Range<Int> {
    (c * imagesPerClass)..<((c + 1) * imagesPerClass)
  }

  /// A set whose images start as a per-class random sample of `source` (`.real`) or as
  /// standard normal noise (`.noise`), with labels in class-major order.
  /// - Throws: `DatasetError.notEnoughSamples` when a class has fewer than ipc images.
  public static func initialize(
    from source: Dataset, imagesPerClass ipc: Int, initialization: SyntheticInitialization,
    rng: inout RandomStream
  ) throws -> SyntheticSet {
    guard ipc >= 1 else {
      throw DistillationError.invalidOption(.imagesPerClass, "ipc must be at least 1")
    }
    let k = source.classCount
    let labels = (0..<k).flatMap { Array(repeating: $0, count: ipc) }
    let shape = [k * ipc] + source.imageShape
    var images: NDArray
    switch initialization {
    case .noise:
      images = NDArray(shape: shape, data: rng.normal(Shape.count(shape)))
    case .pca:
      throw DistillationError.invalidOption(
        .initialization, "init=pca makes bases and addresses: rtp only")
    case .real:
      var rows: [Int] = []
      for c in 0..<k {
        let pool = source.indices(ofClass: c)
        guard pool.count >= ipc else {
          throw DatasetError.notEnoughSamples(
            dataset: source.name, classIndex: c, available: pool.count, requested: ipc)
        }
        rows += rng.permutation(pool.count).prefix(ipc).map { pool[$0] }
      }
      images = source.images.gatherRows(rows)
    }
    return SyntheticSet(
      images: images, labels: labels, imagesPerClass: ipc, sourceName: source.name,
      classNames: source.classNames, normalization: source.normalization, learningRate: nil,
      iteration: 0, settings: [])
  }

  /// The set as a dataset named `name` (default "<source>-synthetic").
  public func dataset(name: String? = nil) throws -> Dataset {
    try Dataset(
      name: name ?? "\(sourceName)-synthetic", images: images, labels: labels,
      classCount: classCount, classNames: classNames, normalization: normalization)
  }
}

// MARK: - RTP sets

extension SyntheticSet {
  /// An RTP set (docs/ALGORITHMS.md §16.1): `budget` images per class of storage turned into
  /// K bases and ipc′ addresses per class by the budget rule; the images are the combinations,
  /// so `imagesPerClass` is ipc′. `.noise` draws both Xavier-uniform (the reference); `.pca`
  /// starts from ipc′ random real images per class (`AddressableMemory.principalComponents`).
  /// - Throws: `DistillationError.invalidOption` when the budget rule leaves no address, the
  ///   initialisation is `.real`, or `.pca` finds a class with fewer than ipc′ images.
  public static func initialize(
    memoryFrom source: Dataset, budget ipc: Int, bases k: Int, downsample ds: Int,
    initialization: SyntheticInitialization = .noise, rng: inout RandomStream
  ) throws -> SyntheticSet {
    let classes = source.classCount
    let perClass = try AddressableMemory.addressesPerClass(
      budget: ipc, classes: classes, imageShape: source.imageShape, bases: k, downsample: ds)
    let memory: AddressableMemory
    switch initialization {
    case .noise:
      memory = AddressableMemory.initialize(
        classes: classes, perClass: perClass, imageShape: source.imageShape, bases: k,
        downsample: ds, rng: &rng)
    case .pca:
      if let c = (0..<classes).first(where: { source.classCounts[$0] < perClass }) {
        throw DistillationError.invalidOption(
          .initialization,
          "init=pca starts each of the \(perClass) addresses per class from a real image; "
            + "class \(c) has \(source.classCounts[c])")
      }
      let real = try initialize(
        from: source, imagesPerClass: perClass, initialization: .real, rng: &rng)
      memory = try AddressableMemory.principalComponents(of: real.images, bases: k, downsample: ds)
    case .real:
      throw DistillationError.invalidOption(
        .initialization, "rtp starts from init=noise (Xavier) or init=pca, not init=real")
    }
    return SyntheticSet(
      images: memory.images(),
      labels: (0..<classes).flatMap { Array(repeating: $0, count: perClass) },
      imagesPerClass: perClass, sourceName: source.name, classNames: source.classNames,
      normalization: source.normalization, learningRate: nil, iteration: 0, settings: [],
      memory: memory)
  }

  /// Replaces the memory and recomputes the images from it.
  /// - Precondition: the new memory makes as many images of the same shape.
  public mutating func update(memory newMemory: AddressableMemory) {
    let newImages = newMemory.images()
    precondition(newImages.shape == images.shape, "update(memory:): \(newImages.shape)")
    memory = newMemory
    images = newImages
  }
}

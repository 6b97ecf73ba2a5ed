/// Fashion-MNIST (Xiao et al., 2017): 28×28 grey images of 10 clothing classes,
/// 60,000 for training and 10,000 for testing, in IDX files.
public enum FashionMNIST {
  /// Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

  /// The ten class names, indexed by label.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// Loads both splits, images [N, 1, 28, 28] normalised with mean 0.2861, std 0.3530
  /// (docs/ALGORITHMS.md §13.1).
  ///
  /// Looks for `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`
  /// and `t10k-labels-idx1-ubyte` in `directory`, each with `.gz` (preferred) or without.
  /// - Parameters:
  ///   - directory: Folder holding the four files.
  ///   - normalization: Per-channel constants (one channel).
  /// - Returns: The training set (60,000) and the test set (10,000) of the standard release.
  /// - Throws: `DatasetError.fileNotFound` listing the names tried, or any reader error.
  public static func load(
    directory: String = defaultDirectory, normalization: Normalization = .fashionMNIST
  ) throws -> (train: Dataset, test: Dataset) {
    let train = try load(prefix: "train", split: "train", directory, normalization)
    let test = try load(prefix: "t10k", split: "test", directory, normalization)
    return (train, test)
  }

  private static func load(
    prefix: String, split: String, _ directory: String, _ normalization: Normalization
  ) throws -> Dataset {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    let images = try FileIO.firstExisting(candidates(base + prefix + "-images-idx3-ubyte"))
    let labels = try FileIO.firstExisting(candidates(base + prefix + "-labels-idx1-ubyte"))
    return try IDXReader.dataset(
      imagesPath: images, labelsPath: labels, name: "fashion-mnist/\(split)",
      classNames: classNames, normalization: normalization)
  }

  /// The gzipped name first, then the raw one.
  private static func candidates(_ path: String) -> [String] { [path + ".gz", path] }
}

/// CIFAR-100 (Krizhevsky, 2009): 32×32 colour images of 100 fine classes (20 coarse),
/// 50,000 for training (`train.bin`) and 10,000 for testing (`test.bin`).
public enum CIFAR100 {
  /// The hundred fine class names, indexed by fine label (alphabetical, as in the release's
  /// `fine_label_names.txt`).
  public static let classNames = [
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle",
    "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
    "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch",
    "crab", "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox",
    "girl", "hamster", "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion",
    "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain", "mouse", "mushroom",
    "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
    "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road",
    "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake",
    "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone",
    "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale",
    "willow_tree", "wolf", "woman", "worm",
  ]

  /// Loads `train.bin` and `test.bin`, labelling examples by their fine label.
  ///
  /// `directory` may be the unpacked `cifar-100-binary` folder or its parent.
  /// - Parameters:
  ///   - directory: Folder holding the batch files.
  ///   - normalization: Per-channel constants. The default follows MTT, which reuses the
  ///     CIFAR-10 mean/std; `.cifar100DC` gives DatasetCondensation's (docs/ALGORITHMS.md §13.1).
  /// - Returns: Images [N, 3, 32, 32]: 50,000 train and 10,000 test for the real release.
  /// - Throws: `DatasetError.fileNotFound` or any reader error.
  public static func load(
    directory: String, normalization: Normalization = .cifar10
  ) throws -> (train: Dataset, test: Dataset) {
    let base = CIFARReader.resolve(directory, subfolder: "cifar-100-binary")
    let train = try CIFARReader.dataset(
      paths: [CIFARReader.locate("train.bin", in: base)], layout: .cifar100,
      name: "cifar100/train", classNames: classNames, normalization: normalization)
    let test = try CIFARReader.dataset(
      paths: [CIFARReader.locate("test.bin", in: base)], layout: .cifar100,
      name: "cifar100/test", classNames: classNames, normalization: normalization)
    return (train, test)
  }
}

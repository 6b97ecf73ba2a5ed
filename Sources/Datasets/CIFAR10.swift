/// CIFAR-10 (Krizhevsky, 2009): 32×32 colour images of 10 classes, 50,000 for training in
/// five batch files and 10,000 for testing.
public enum CIFAR10 {
  /// The ten class names, indexed by label.
  public static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]

  /// Loads `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`.
  ///
  /// `directory` may be the unpacked `cifar-10-batches-bin` folder or its parent.
  /// - Parameters:
  ///   - directory: Folder holding the batch files.
  ///   - normalization: Per-channel constants; the default is the CIFAR-10 mean/std
  ///     (docs/ALGORITHMS.md §13.1), and `.identity(channels: 3)` keeps values in [0, 1] (for ZCA).
  /// - Returns: Images [N, 3, 32, 32]: 50,000 train and 10,000 test for the real release.
  /// - Throws: `DatasetError.fileNotFound` or any reader error.
  public static func load(
    directory: String, normalization: Normalization = .cifar10
  ) throws -> (train: Dataset, test: Dataset) {
    let base = CIFARReader.resolve(directory, subfolder: "cifar-10-batches-bin")
    let trainPaths = try (1...5).map { try CIFARReader.locate("data_batch_\($0).bin", in: base) }
    let testPath = try CIFARReader.locate("test_batch.bin", in: base)
    let train = try CIFARReader.dataset(
      paths: trainPaths, layout: .cifar10, name: "cifar10/train", classNames: classNames,
      normalization: normalization)
    let test = try CIFARReader.dataset(
      paths: [testPath], layout: .cifar10, name: "cifar10/test", classNames: classNames,
      normalization: normalization)
    return (train, test)
  }
}

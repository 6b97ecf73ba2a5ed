import Foundation
import TensorCore
import Testing

@testable import Datasets

@Suite struct FashionMNISTTests {
  /// The real dataset from Debian's `dataset-fashion-mnist` (installed by `make deps`).
  /// Deliberately not skipped when missing: a missing dataset must fail the run.
  @Test func loadsTheInstalledDataset() throws {
    let (train, test) = try FashionMNIST.load()
    #expect(train.count == 60_000)
    #expect(test.count == 10_000)
    #expect(train.shape == [60_000, 1, 28, 28])
    #expect(test.shape == [10_000, 1, 28, 28])
    #expect(train.classCounts == Array(repeating: 6_000, count: 10))
    #expect(test.classCounts == Array(repeating: 1_000, count: 10))
    #expect(train.classNames[0] == "T-shirt/top" && train.classNames[9] == "Ankle boot")
    #expect(train.normalization == .fashionMNIST)
    let stats = train.channelStatistics()
    #expect(abs(stats.mean[0]) < 0.01)
    #expect(abs(stats.std[0] - 1) < 0.01)
    // Undoing the normalisation gives back whole bytes / 255 (first image only: cheap in debug).
    let firstImage = test.pixelImages().data.prefix(784)
    #expect(firstImage.allSatisfy { abs($0 * 255 - ($0 * 255).rounded()) < 1e-3 })
    #expect(firstImage.allSatisfy { $0 > -1e-5 && $0 < 1 + 1e-5 })
  }

  @Test func findsUncompressedFilesToo() throws {
    try TestFiles.withTemporaryDirectory { dir in
      for (prefix, count) in [("train", 3), ("t10k", 2)] {
        let images = TestFiles.idx(
          shape: [count, 28, 28], data: Array(repeating: 255, count: count * 784))
        try TestFiles.write(images, to: "\(dir)/\(prefix)-images-idx3-ubyte")
        let labels = TestFiles.idx(shape: [count], data: (0..<count).map { UInt8(9 - $0) })
        try TestFiles.write(labels, to: "\(dir)/\(prefix)-labels-idx1-ubyte")
      }
      let (train, test) = try FashionMNIST.load(directory: dir)
      #expect(train.count == 3 && test.count == 2)
      #expect(train.labels == [9, 8, 7])
      #expect(train.name == "fashion-mnist/train" && test.name == "fashion-mnist/test")
      let expected = (1 - Float(0.2861)) / Float(0.3530)
      #expect(train.images.data.allSatisfy { $0 == expected })
    }
  }

  @Test func missingFilesListTheNamesTried() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let base = dir + "/train-images-idx3-ubyte"
      #expect(throws: DatasetError.fileNotFound(candidates: [base + ".gz", base])) {
        _ = try FashionMNIST.load(directory: dir)
      }
    }
  }
}

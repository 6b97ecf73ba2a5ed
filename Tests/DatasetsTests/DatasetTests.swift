import TensorCore
import Testing

@testable import Datasets

/// A dataset of `labels.count` 1×2×2 images whose pixels all equal the example's index.
func makeDataset(labels: [Int], classCount: Int, name: String = "toy") throws -> Dataset {
  let data = labels.indices.flatMap { [Float](repeating: Float($0), count: 4) }
  return try Dataset(
    name: name, images: NDArray(shape: [labels.count, 1, 2, 2], data: data), labels: labels,
    classCount: classCount)
}

@Suite struct DatasetTests {
  @Test func basicProperties() throws {
    let data = try makeDataset(labels: [0, 2, 2, 1, 2], classCount: 3)
    #expect(data.count == 5)
    #expect(data.shape == [5, 1, 2, 2])
    #expect(data.imageShape == [1, 2, 2])
    #expect(data.classNames == ["0", "1", "2"])
    #expect(data.classCounts == [1, 1, 3])
    #expect(data.indices(ofClass: 2) == [1, 2, 4])
    #expect(data.indices(ofClass: 7) == [])
    #expect(data.normalization == .identity(channels: 1))
  }

  @Test func constructionValidatesItsParts() {
    let images = NDArray.zeros([2, 1, 2, 2])
    #expect(throws: ShapeError.self) {
      _ = try Dataset(name: "d", images: NDArray.zeros([2, 4]), labels: [0, 0], classCount: 1)
    }
    #expect(throws: ShapeError.self) {
      _ = try Dataset(name: "d", images: images, labels: [0], classCount: 1)
    }
    #expect(throws: DatasetError.invalidLabel(dataset: "d", index: 1, label: 3, classCount: 3)) {
      _ = try Dataset(name: "d", images: images, labels: [0, 3], classCount: 3)
    }
    #expect(throws: DatasetError.self) {
      _ = try Dataset(name: "d", images: images, labels: [0, 0], classCount: 2, classNames: ["a"])
    }
    #expect(throws: DatasetError.self) {
      _ = try Dataset(
        name: "d", images: images, labels: [0, 0], classCount: 1, normalization: .cifar10)
    }
    #expect(throws: DatasetError.self) {
      _ = try Dataset(name: "d", images: images, labels: [0, 0], classCount: 0)
    }
  }

  @Test func pixelImagesUndoTheNormalization() throws {
    let norm = try Normalization(mean: [0.5], std: [0.25])
    let stored = NDArray(shape: [1, 1, 1, 2], data: [-2, 2])
    let data = try Dataset(
      name: "d", images: stored, labels: [0], classCount: 1, normalization: norm)
    #expect(data.pixelImages().data == [0, 1])
  }

  @Test func replacingImagesKeepsLabelsAndChecksShape() throws {
    let data = try makeDataset(labels: [0, 1], classCount: 2)
    let replaced = try data.replacingImages(NDArray.ones([2, 1, 2, 2]))
    #expect(replaced.labels == [0, 1])
    #expect(replaced.images.data.allSatisfy { $0 == 1 })
    #expect(throws: ShapeError.self) { _ = try data.replacingImages(NDArray.ones([1, 1, 2, 2])) }
  }

  @Test func channelStatistics() throws {
    let images = NDArray(shape: [2, 2, 1, 2], data: [1, 3, 10, 10, 1, 3, 30, 30])
    let data = try Dataset(name: "d", images: images, labels: [0, 0], classCount: 1)
    let stats = data.channelStatistics()
    #expect(stats.mean == [2, 20])
    #expect(stats.std == [1, 10])
  }

  @Test func classCountsAndImageSizesAreBounded() {
    #expect(Dataset.impliedClassCount([0, 4, 2]) == 5)
    #expect(Dataset.impliedClassCount([]) == 1)
    #expect(Dataset.impliedClassCount([1 << 62]) == nil)
    #expect(Dataset.impliedClassCount([.max]) == nil)
    #expect(Dataset.impliedClassCount([-1]) == nil)
    #expect(throws: DatasetError.self) {
      try makeDataset(labels: [0], classCount: Dataset.maximumClasses + 1)
    }
    #expect(throws: ShapeError.self) {
      try Dataset(
        name: "empty", images: NDArray.zeros([2, 1, 0, 0]), labels: [0, 1], classCount: 2)
    }
  }
}

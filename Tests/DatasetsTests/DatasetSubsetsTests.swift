import TensorCore
import Testing

@testable import Datasets

@Suite struct DatasetSubsetsTests {
  /// Labels 0,1,2,0,1,2 with class names a, b, c; pixels hold each example's index.
  func abc() throws -> Dataset {
    let data = (0..<6).flatMap { [Float](repeating: Float($0), count: 4) }
    return try Dataset(
      name: "abc", images: NDArray(shape: [6, 1, 2, 2], data: data), labels: [0, 1, 2, 0, 1, 2],
      classCount: 3, classNames: ["a", "b", "c"],
      normalization: try Normalization(mean: [0.5], std: [0.25]))
  }

  func origins(_ data: Dataset) -> [Int] {
    stride(from: 0, to: data.images.count, by: 4).map { Int(data.images.data[$0]) }
  }

  @Test func keepsDatasetOrderAndLabels() throws {
    let data = try abc()
    let kept = try data.selectingClasses([2, 0])
    #expect(origins(kept) == [0, 2, 3, 5])
    #expect(kept.labels == [0, 2, 0, 2])
    #expect(kept.classCount == 3)
    #expect(kept.classNames == ["a", "b", "c"])
    #expect(kept.normalization == data.normalization)
    #expect(kept.name == "abc")
  }

  @Test func relabelNumbersClassesInTheOrderGiven() throws {
    let kept = try abc().selectingClasses([2, 0], relabel: true)
    #expect(origins(kept) == [0, 2, 3, 5])
    #expect(kept.labels == [1, 0, 1, 0])
    #expect(kept.classCount == 2)
    #expect(kept.classNames == ["c", "a"])
  }

  @Test func anEmptyClassGivesNoImages() throws {
    let data = try makeDataset(labels: [0, 0, 2], classCount: 3)
    #expect(try data.selectingClasses([1]).count == 0)
    #expect(try data.selectingClasses([1, 2], relabel: true).labels == [1])
  }

  @Test func refusesEmptyOutOfRangeAndRepeatedClasses() throws {
    let data = try abc()
    #expect(
      throws: DatasetError.invalidArgument(
        op: "abc", argument: "classes", value: "empty", expected: "at least one class")
    ) { _ = try data.selectingClasses([]) }
    #expect(
      throws: DatasetError.invalidArgument(
        op: "abc", argument: "classes[1]", value: "3", expected: "a label in 0..<3")
    ) { _ = try data.selectingClasses([0, 3]) }
    #expect(
      throws: DatasetError.invalidArgument(
        op: "abc", argument: "classes[2]", value: "1", expected: "a class not listed before")
    ) { _ = try data.selectingClasses([1, 0, 1], relabel: true) }
    #expect(throws: DatasetError.self) { _ = try data.selectingClasses([-1]) }
  }

  @Test func subsetKeepsTheGivenOrderAndNamesTheBadPosition() throws {
    let data = try abc()
    let taken = try data.subset([4, 4, 1])
    #expect(origins(taken) == [4, 4, 1])
    #expect(taken.labels == [1, 1, 1])
    #expect(taken.classNames == data.classNames)
    #expect(
      throws: DatasetError.indexOutOfRange(dataset: "abc", position: 2, index: -1, count: 6)
    ) { _ = try data.subset([0, 5, -1]) }
  }
}

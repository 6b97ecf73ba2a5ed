import TensorCore
import Testing

@testable import Datasets

@Suite struct DatasetSamplingTests {
  /// Labels 0,1,2,0,1,2,… for `count` examples.
  func cyclic(_ count: Int, classes: Int = 3) throws -> Dataset {
    try makeDataset(labels: (0..<count).map { $0 % classes }, classCount: classes)
  }

  /// The example indices a dataset made by `makeDataset` now holds, from its pixels.
  func origins(_ data: Dataset) -> [Int] {
    stride(from: 0, to: data.images.count, by: 4).map { Int(data.images.data[$0]) }
  }

  @Test func subsetGathersInOrderAndChecksRange() throws {
    let data = try cyclic(6)
    let sub = try data.subset([5, 0, 5])
    #expect(origins(sub) == [5, 0, 5])
    #expect(sub.labels == [2, 0, 2])
    #expect(
      throws: DatasetError.indexOutOfRange(dataset: "toy", position: 1, index: 6, count: 6)
    ) { _ = try data.subset([1, 6]) }
  }

  @Test func shuffledIsASeededPermutation() throws {
    let data = try cyclic(20)
    var rngA = RandomStream(seed: 7)
    var rngB = RandomStream(seed: 7)
    let a = data.shuffled(rng: &rngA)
    let b = data.shuffled(rng: &rngB)
    #expect(a == b)
    #expect(origins(a).sorted() == Array(0..<20))
    #expect(origins(a) != Array(0..<20))
    #expect(zip(origins(a), a.labels).allSatisfy { $0 % 3 == $1 })
  }

  @Test func samplePerClassGroupsByClass() throws {
    let data = try cyclic(30)
    var rng = RandomStream(seed: 1)
    let sample = try data.samplePerClass(4, rng: &rng)
    #expect(sample.labels == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    #expect(Set(origins(sample)).count == 12)
    #expect(zip(origins(sample), sample.labels).allSatisfy { $0 % 3 == $1 })
    var again = RandomStream(seed: 1)
    #expect(try data.samplePerClass(4, rng: &again) == sample)
  }

  @Test func samplePerClassNeedsEnoughExamples() throws {
    let data = try makeDataset(labels: [0, 0, 1, 2, 2], classCount: 3)
    var rng = RandomStream(seed: 1)
    #expect(
      throws: DatasetError.notEnoughSamples(
        dataset: "toy", classIndex: 1, available: 1, requested: 2)
    ) { _ = try data.samplePerClass(2, rng: &rng) }
  }

  @Test func splitKeepsDatasetOrder() throws {
    let data = try cyclic(10)
    let (train, validation) = try data.split(fraction: 0.9)
    #expect(origins(train) == Array(0..<9))
    #expect(origins(validation) == [9])
    #expect(try data.split(fraction: 0).first.count == 0)
    #expect(throws: DatasetError.self) { _ = try data.split(fraction: 1.5) }
  }

  @Test func splitPerClassTakesAFractionOfEachClass() throws {
    let data = try cyclic(30)  // ten per class, like ipc 10
    var rng = RandomStream(seed: 3)
    let (first, second) = try data.splitPerClass(fraction: 0.9, rng: &rng)
    #expect(first.classCounts == [9, 9, 9])
    #expect(second.labels == [0, 1, 2])
    #expect(Set(origins(first) + origins(second)).count == 30)
    var one = RandomStream(seed: 3)
    let single = try cyclic(3).splitPerClass(fraction: 0.9, rng: &one)
    #expect(single.first.count == 0 && single.second.count == 3)
  }

  @Test func concatenateChecksCompatibility() throws {
    let a = try cyclic(3)
    let b = try cyclic(2)
    let both = try Dataset.concatenate([a, b], name: "ab")
    #expect(both.name == "ab")
    #expect(both.labels == [0, 1, 2, 0, 1])
    #expect(origins(both) == [0, 1, 2, 0, 1])
    let other = try makeDataset(labels: [0], classCount: 5)
    #expect(throws: DatasetError.self) { _ = try Dataset.concatenate([a, other]) }
    #expect(throws: DatasetError.self) { _ = try Dataset.concatenate([]) }
  }
}

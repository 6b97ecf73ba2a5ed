import TensorCore
import Testing

@testable import Datasets

@Suite struct BatcherTests {
  @Test func batchesInOrderWithAShortLastBatch() throws {
    let data = try makeDataset(labels: [0, 1, 0, 1, 0, 1, 0], classCount: 2)
    let batches = Array(try data.batches(size: 3))
    #expect(batches.map(\.indices) == [[0, 1, 2], [3, 4, 5], [6]])
    #expect(batches[1].images.shape == [3, 1, 2, 2])
    #expect(batches[1].images.data[0] == 3)
    #expect(batches[2].labels == [0])
    #expect(try data.batches(size: 3, dropLast: true).count == 2)
    #expect(Array(try data.batches(size: 3, dropLast: true)).count == 2)
  }

  @Test func shuffledBatchesCoverEveryExampleOnce() throws {
    let data = try makeDataset(labels: Array(repeating: 0, count: 10), classCount: 1)
    var rng = RandomStream(seed: 11)
    let batcher = try data.batches(size: 4, shuffling: &rng)
    let seen = batcher.flatMap(\.indices)
    #expect(seen.sorted() == Array(0..<10))
    #expect(seen != Array(0..<10))
    #expect(batcher.flatMap(\.indices) == seen)
  }

  @Test func sizeMustBePositive() throws {
    let data = try makeDataset(labels: [0], classCount: 1)
    var rng = RandomStream(seed: 0)
    #expect(throws: DatasetError.self) { _ = try data.batches(size: 0) }
    #expect(try data.batch([0, 0]).labels == [0, 0])
    #expect(throws: DatasetError.self) { _ = try data.batch([1]) }
    #expect(throws: DatasetError.self) { _ = try data.batches(size: -1, shuffling: &rng) }
  }
}

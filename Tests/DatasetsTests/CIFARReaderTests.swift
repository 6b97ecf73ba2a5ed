import TensorCore
import Testing

@testable import Datasets

/// `count` CIFAR records: label bytes `labels(k)`, then pixel j of record k = (k + j) mod 256.
func cifarRecords(_ count: Int, labels: (Int) -> [UInt8]) -> [UInt8] {
  (0..<count).flatMap { k in
    labels(k) + (0..<3072).map { UInt8(truncatingIfNeeded: k + $0) }
  }
}

@Suite struct CIFARReaderTests {
  @Test func readsCIFAR10Records() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/data_batch_1.bin"
      try TestFiles.write(cifarRecords(3) { [UInt8(9 - $0)] }, to: path)
      let batch = try CIFARReader.readBatch(path, layout: .cifar10)
      #expect(batch.count == 3)
      #expect(batch.labels == [9, 8, 7])
      #expect(batch.coarseLabels == [])
      #expect(batch.pixels.count == 3 * 3072)
      #expect(batch.pixels[3072 + 5] == 6)
    }
  }

  @Test func readsCIFAR100FineAndCoarseLabels() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/train.bin"
      try TestFiles.write(cifarRecords(2) { [UInt8(19 - $0), UInt8(99 - $0)] }, to: path)
      let batch = try CIFARReader.readBatch(path, layout: .cifar100)
      #expect(batch.labels == [99, 98])
      #expect(batch.coarseLabels == [19, 18])
      #expect(batch.pixels[3072] == 1)
    }
  }

  @Test func partialRecordIsTruncation() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/test_batch.bin"
      try TestFiles.write(cifarRecords(2) { _ in [0] } + [1, 2, 3, 4, 5], to: path)
      let error = #expect(throws: DatasetError.self) {
        _ = try CIFARReader.readBatch(path, layout: .cifar10)
      }
      #expect(
        error
          == .truncated(
            path: path, offset: 6146, what: "a 3073-byte CIFAR record", expected: 3073, found: 5))
      #expect(error?.description.hasPrefix("\(path): byte 6146: ") == true)
      try TestFiles.write([], to: path)
      #expect(
        throws: DatasetError.truncated(
          path: path, offset: 0, what: "a 3073-byte CIFAR record", expected: 3073, found: 0)
      ) { _ = try CIFARReader.readBatch(path, layout: .cifar10) }
    }
  }

  @Test func labelsOutOfRangeNameTheirOffset() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/b.bin"
      try TestFiles.write(cifarRecords(2) { [UInt8($0 * 10)] }, to: path)
      #expect(
        throws: DatasetError.labelOutOfRange(path: path, offset: 3073, label: 10, classCount: 10)
      ) {
        _ = try CIFARReader.readBatch(path, layout: .cifar10)
      }
      try TestFiles.write(cifarRecords(1) { _ in [20, 0] }, to: path)
      #expect(
        throws: DatasetError.labelOutOfRange(path: path, offset: 0, label: 20, classCount: 20)
      ) {
        _ = try CIFARReader.readBatch(path, layout: .cifar100)
      }
    }
  }

  @Test func datasetNormalisesEachChannel() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/b.bin"
      try TestFiles.write(cifarRecords(2) { [UInt8($0)] }, to: path)
      let data = try CIFARReader.dataset(
        paths: [path, path], layout: .cifar10, name: "c", classNames: CIFAR10.classNames,
        normalization: .cifar10)
      #expect(data.shape == [4, 3, 32, 32])
      #expect(data.labels == [0, 1, 0, 1])
      let norm = Normalization.cifar10
      // Record 1, channel 2 (blue), pixel 0: byte (1 + 2048) mod 256 = 1.
      let value = data.images.data[3072 + 2048]
      #expect(value == (Float(1) / 255 - norm.mean[2]) / norm.std[2])
      #expect(throws: DatasetError.self) {
        _ = try CIFARReader.dataset(
          paths: [path], layout: .cifar10, name: "c", classNames: CIFAR10.classNames,
          normalization: .fashionMNIST)
      }
    }
  }
}

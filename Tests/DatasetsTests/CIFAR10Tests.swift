import Foundation
import Testing

@testable import Datasets

@Suite struct CIFAR10Tests {
  @Test func loadsTheFiveTrainingBatchesAndTheTestBatch() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let folder = dir + "/cifar-10-batches-bin"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for k in 1...5 {
        try TestFiles.write(
          cifarRecords(2) { [UInt8(k + $0)] }, to: "\(folder)/data_batch_\(k).bin")
      }
      try Gzip.write(cifarRecords(3) { _ in [9] }, to: folder + "/test_batch.bin.gz")
      let (train, test) = try CIFAR10.load(directory: dir)
      #expect(train.count == 10 && test.count == 3)
      #expect(train.labels == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6])
      #expect(test.labels == [9, 9, 9])
      #expect(train.classNames == CIFAR10.classNames)
      #expect(train.normalization == .cifar10)
      #expect(try CIFAR10.load(directory: folder).train == train)
    }
  }

  @Test func missingBatchIsNamed() throws {
    try TestFiles.withTemporaryDirectory { dir in
      #expect(
        throws: DatasetError.fileNotFound(
          candidates: [dir + "/data_batch_1.bin", dir + "/data_batch_1.bin.gz"])
      ) { _ = try CIFAR10.load(directory: dir) }
    }
  }
}

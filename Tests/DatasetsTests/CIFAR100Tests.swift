import Foundation
import Testing

@testable import Datasets

@Suite struct CIFAR100Tests {
  @Test func classNamesAreTheHundredFineLabels() {
    #expect(CIFAR100.classNames.count == 100)
    #expect(Set(CIFAR100.classNames).count == 100)
    #expect(CIFAR100.classNames == CIFAR100.classNames.sorted())
  }

  @Test func loadsTrainAndTestWithFineLabels() throws {
    try TestFiles.withTemporaryDirectory { dir in
      try TestFiles.write(cifarRecords(4) { [UInt8($0), UInt8(50 + $0)] }, to: dir + "/train.bin")
      try TestFiles.write(cifarRecords(1) { _ in [3, 99] }, to: dir + "/test.bin")
      let (train, test) = try CIFAR100.load(directory: dir, normalization: .cifar100DC)
      #expect(train.labels == [50, 51, 52, 53])
      #expect(test.labels == [99])
      #expect(train.classCount == 100)
      #expect(train.normalization == .cifar100DC)
      #expect(test.name == "cifar100/test")
    }
  }
}

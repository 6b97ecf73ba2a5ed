import TensorCore
import Testing

@testable import Datasets

@Suite struct DatasetArraysTests {
  @Test func imagesTakeNCHWAndOneChannelNHW() throws {
    let nchw = try NPYArray(float32: (0..<24).map(Float.init), shape: [2, 3, 2, 2])
    #expect(
      try Dataset.images(from: nchw) == NDArray(shape: [2, 3, 2, 2], data: nchw.toNDArray().data))
    let nhw = try NPYArray(float32: (0..<8).map(Float.init), shape: [2, 2, 2])
    #expect(try Dataset.images(from: nhw).shape == [2, 1, 2, 2])
  }

  @Test func uint8ImagesArePixelsScaledToOne() throws {
    let pixels = try NPYArray(uint8: [0, 51, 255, 102], shape: [1, 2, 2])
    #expect(try Dataset.images(from: pixels).data == [0, 0.2, 1, 0.4])
  }

  @Test func imagesRefuseOtherRanksAndChannelsLast() throws {
    let flat = try NPYArray(float32: [Float](repeating: 0, count: 12), shape: [3, 4])
    #expect(throws: DatasetError.badLayout(shape: [3, 4], expected: Dataset.imageLayouts)) {
      _ = try Dataset.images(from: flat)
    }
    let nhwc = try NPYArray(
      float32: [Float](repeating: 0, count: 2 * 8 * 8 * 3), shape: [2, 8, 8, 3])
    let error = #expect(throws: DatasetError.self) { _ = try Dataset.images(from: nhwc) }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("channels-last") && message.contains("transpose(0, 3, 1, 2)"))
    let sixChannels = try NPYArray(
      float32: [Float](repeating: 0, count: 6 * 4 * 4), shape: [1, 6, 4, 4])
    #expect(try Dataset.images(from: sixChannels).shape == [1, 6, 4, 4])
  }

  @Test func labelsFromIntegersWholeFloatsAndOneHotRows() throws {
    let ints = try NPYArray(int64: [2, 0, 1], shape: [3])
    #expect(try Dataset.labels(from: ints) == ([2, 0, 1], nil))
    let floats = try NPYArray(float32: [1, 0, 3], shape: [3])
    #expect(try Dataset.labels(from: floats).labels == [1, 0, 3])
    let oneHot = try NPYArray(float32: [0, 1, 0, 0, 0, 0, 1, 0], shape: [2, 4])
    #expect(try Dataset.labels(from: oneHot) == ([1, 2], 4))
  }

  @Test func labelsNameTheBadPositionOrRow() throws {
    let fraction = try NPYArray(float32: [1, 0, 2.5], shape: [3])
    #expect(throws: DatasetError.notWholeNumber(position: 2, value: 2.5)) {
      _ = try Dataset.labels(from: fraction)
    }
    let twoHot = try NPYArray(float32: [1, 0, 1, 1], shape: [2, 2])
    #expect(throws: DatasetError.notOneHot(row: 1)) { _ = try Dataset.labels(from: twoHot) }
    let soft = try NPYArray(float32: [0.5, 0.5], shape: [1, 2])
    #expect(throws: DatasetError.notOneHot(row: 0)) { _ = try Dataset.labels(from: soft) }
    let cube = try NPYArray(int64: [0, 0], shape: [1, 1, 2])
    #expect(throws: DatasetError.self) { _ = try Dataset.labels(from: cube) }
  }

  @Test func wholeNumbersRefuseFractionsNaNAndMatrices() throws {
    #expect(
      try Dataset.wholeNumbers(from: NPYArray(NDArray(shape: [2], data: [3, -1]))) == [3, -1])
    let nan = NPYArray(NDArray(shape: [2], data: [0, .nan]))
    #expect(throws: DatasetError.self) { _ = try Dataset.wholeNumbers(from: nan) }
    let matrix = try NPYArray(int64: [0, 1, 2, 3], shape: [2, 2])
    #expect(throws: DatasetError.badLayout(shape: [2, 2], expected: "a list of integers [N]")) {
      _ = try Dataset.wholeNumbers(from: matrix)
    }
  }
}

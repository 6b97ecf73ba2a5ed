import TensorCore
import Testing

@testable import Datasets

@Suite struct NormalizationTests {
  @Test func constantsFollowSpec() {
    #expect(Normalization.fashionMNIST.mean == [0.2861])
    #expect(Normalization.fashionMNIST.std == [0.3530])
    #expect(Normalization.cifar10.mean == [0.4914, 0.4822, 0.4465])
    #expect(Normalization.cifar10.std == [0.2023, 0.1994, 0.2010])
    #expect(Normalization.cifar100DC.mean == [0.5071, 0.4866, 0.4409])
    #expect(Normalization.identity(channels: 3).std == [1, 1, 1])
  }

  @Test func invalidConstantsAreRejected() {
    #expect(throws: DatasetError.self) { _ = try Normalization(mean: [0.5], std: [0.1, 0.2]) }
    #expect(throws: DatasetError.self) { _ = try Normalization(mean: [], std: []) }
    #expect(throws: DatasetError.self) { _ = try Normalization(mean: [0.5], std: [0]) }
    #expect(throws: DatasetError.self) { _ = try Normalization(mean: [0.5], std: [.nan]) }
  }

  @Test func pixelTableMatchesTheFormulaPerChannel() throws {
    let norm = try Normalization(mean: [0.5, 0.25], std: [0.5, 2])
    // Two images of two 1×2 planes: channel 0 then channel 1.
    let pixels: [UInt8] = [0, 255, 51, 102, 255, 0, 0, 255]
    let out = norm.normalize(pixels: pixels, planeSize: 2)
    let expected = pixels.enumerated().map { i, p in
      let c = (i / 2) % 2
      return (Float(p) / 255 - norm.mean[c]) / norm.std[c]
    }
    #expect(out == expected)
    #expect(out[0] == -1 && out[1] == 1)
  }

  @Test func denormalizeInvertsNormalize() throws {
    let images = NDArray(shape: [2, 3, 2, 2], data: (0..<24).map { Float($0) / 23 })
    let norm = Normalization.cifar10
    let back = try norm.denormalize(norm.normalize(images))
    #expect(zip(back.data, images.data).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  @Test func wrongChannelCountIsAShapeError() {
    let images = NDArray.zeros([1, 1, 2, 2])
    #expect(throws: ShapeError.self) { _ = try Normalization.cifar10.normalize(images) }
    #expect(throws: ShapeError.self) {
      _ = try Normalization.fashionMNIST.denormalize(NDArray.zeros([4]))
    }
  }
}

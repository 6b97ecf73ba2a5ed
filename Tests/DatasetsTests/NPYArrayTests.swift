import TensorCore
import Testing

@testable import Datasets

@Suite struct NPYArrayTests {
  @Test func initialisersCheckTheElementCount() throws {
    #expect(try NPYArray(int64: [1, 2, 3, 4], shape: [2, 2]).count == 4)
    #expect(throws: ShapeError.self) { _ = try NPYArray(int64: [1, 2, 3], shape: [2, 2]) }
    #expect(throws: ShapeError.self) { _ = try NPYArray(uint8: [1], shape: [-1]) }
    #expect(throws: ShapeError.self) { _ = try NPYArray(float32: [], shape: []) }
    #expect(try NPYArray(float32: [5], shape: []).shape == [])
  }

  @Test func accessorsAndConversions() throws {
    let floats = NPYArray(NDArray(shape: [2], data: [1.5, -2]))
    #expect(floats.descr == "<f4")
    #expect(floats.float32Array == NDArray(shape: [2], data: [1.5, -2]))
    #expect(floats.integers == nil)
    let bytes = try NPYArray(uint8: [0, 255], shape: [2])
    #expect(bytes.descr == "|u1")
    #expect(bytes.integers == [0, 255])
    #expect(bytes.float32Array == nil)
    #expect(bytes.toNDArray() == NDArray(shape: [2], data: [0, 255]))
    let longs = try NPYArray(int64: [-7], shape: [1, 1])
    #expect(longs.descr == "<i8")
    #expect(longs.toNDArray().shape == [1, 1])
  }
}

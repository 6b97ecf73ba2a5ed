import TensorCore
import Testing

@testable import Datasets

/// The arrays of Scripts/reference/make_npy_fixtures.py.
enum Reference {
  static let f4 = NPYArray(NDArray(shape: [2, 3], data: [-1, -0.5, 0, 0.5, 1, 1.5]))
  static let i8 = NPYArray(unchecked: [2, 2], .int64([-3, 0, 7, 1 << 40]))
  static let u1 = NPYArray(unchecked: [2, 5], .uint8([250, 251, 252, 253, 254, 255, 0, 1, 2, 3]))
}

@Suite struct NPYTests {
  static let roundTrips: [NPYArray] = [
    Reference.f4, Reference.i8, Reference.u1,
    NPYArray(NDArray(scalar: 3.25)),
    NPYArray(NDArray.zeros([0, 3])),
    NPYArray(unchecked: [2], .int64([Int.min, Int.max])),
    NPYArray(NDArray(shape: [2, 2], data: [.infinity, -.infinity, -0.0, .leastNonzeroMagnitude])),
  ]

  @Test(arguments: roundTrips)
  func roundTrip(array: NPYArray) throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/a.npy"
      try NPY.write(array, to: path)
      #expect(try NPY.read(path) == array)
      #expect(try TestFiles.read(path).count % 64 == (NPY.encode(array).count - 128) % 64)
      #expect(try TestFiles.listing(dir) == ["a.npy"])
    }
  }

  @Test(arguments: [
    ("f4.npy", Reference.f4), ("i8.npy", Reference.i8), ("u1.npy", Reference.u1),
    ("scalar_f4.npy", NPYArray(NDArray(scalar: 3.25))),
  ])
  func encodingIsByteIdenticalToNumpy(fixture: String, array: NPYArray) throws {
    #expect(NPY.encode(array) == (try TestFiles.fixtureBytes(fixture)))
    #expect(try NPY.read(TestFiles.fixture(fixture)) == array)
  }

  @Test func float64IsKeptAtFullPrecisionAndByteIdentical() throws {
    let f8 = try NPY.read(TestFiles.fixture("f8.npy"))
    #expect(f8 == (try NPYArray(float64: [1.5, -2.25, 1e-3], shape: [3])))
    #expect(f8.doubles == [1.5, -2.25, 1e-3])
    #expect(f8.float32Array == NDArray(shape: [3], data: [1.5, -2.25, Float(1e-3 as Double)]))
    #expect(f8.integers == nil && f8.isFloatingPoint)
    #expect(NPY.encode(f8) == (try TestFiles.fixtureBytes("f8.npy")))
  }

  @Test func convertsOtherNumpyTypesOnReading() throws {
    #expect(
      try NPY.read(TestFiles.fixture("i4.npy"))
        == NPYArray(int64: [1, -2, 2_147_483_647], shape: [3]))
    #expect(try NPY.read(TestFiles.fixture("b1.npy")) == NPYArray(uint8: [1, 0, 1], shape: [3]))
    #expect(try NPY.read(TestFiles.fixture("f4_v2.npy")) == Reference.f4)
  }

  @Test func fortranOrderIsRejected() throws {
    let path = TestFiles.fixture("fortran_f4.npy")
    let error = #expect(throws: DatasetError.self) { _ = try NPY.read(path) }
    #expect(
      error
        == .badHeader(
          path: path, offset: 44, expected: "fortran_order False (C order)", found: "True"))
  }

  @Test func headersAre64ByteAlignedAndVersionedBySize() {
    let bytes = NPY.wrap(Array("{}".utf8))
    #expect(bytes.count == 64 && bytes[6] == 1 && bytes.last == 0x0A)
    let exact = NPY.wrap([UInt8](repeating: 0x20, count: 53))  // 10 + 53 + 1 = 64 → a full pad
    #expect(exact.count == 128)
    let long = NPY.wrap([UInt8](repeating: 0x20, count: 70_000))
    #expect(long[6] == 2 && long.count % 64 == 0)
  }

  @Test func framingErrorsNameTheOffset() throws {
    let good = NPY.encode(Reference.u1)
    #expect(
      throws: DatasetError.badMagic(
        path: "p", offset: 0, expected: NPY.magic, found: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x5A])
    ) { _ = try NPY.decode([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x5A, 1, 0], path: "p") }
    var version = good
    version[6] = 4
    #expect(
      throws: DatasetError.badHeader(
        path: "p", offset: 6, expected: "format version 1.0, 2.0 or 3.0", found: "4.0")
    ) { _ = try NPY.decode(version, path: "p") }
    #expect(
      throws: DatasetError.truncated(
        path: "p", offset: 10, what: "npy header", expected: 118, found: 20)
    ) { _ = try NPY.decode(Array(good.prefix(30)), path: "p") }
    #expect(
      throws: DatasetError.truncated(
        path: "p", offset: 128, what: "array data for shape [2, 5] of |u1", expected: 10, found: 9)
    ) { _ = try NPY.decode(Array(good.dropLast()), path: "p") }
    #expect(throws: DatasetError.trailingData(path: "p", offset: 138, count: 1)) {
      _ = try NPY.decode(good + [0], path: "p")
    }
  }

  @Test func unsupportedTypesAreRefused() throws {
    func file(_ descr: String) -> [UInt8] {
      NPY.wrap(Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }".utf8)) + [0]
    }
    for descr in ["|O", ">f4", "<f2", "<U3", "<c8"] {
      let error = #expect(throws: DatasetError.self) { _ = try NPY.decode(file(descr), path: "p") }
      guard case .unsupportedDType(_, let offset, let dtype)? = error else {
        Issue.record("\(descr): \(String(describing: error))")
        continue
      }
      #expect(offset == 20)
      #expect(dtype.hasPrefix("'\(descr)'"))
    }
    let pickle = #expect(throws: DatasetError.self) { _ = try NPY.decode(file("|O"), path: "p") }
    #expect(pickle?.description.contains("pickle") == true)
  }
}

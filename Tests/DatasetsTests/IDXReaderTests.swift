import TensorCore
import Testing

@testable import Datasets

@Suite struct IDXReaderTests {
  /// Three 2×4 images with pixel k·10 + j, as the Python fixture writes them.
  let pixels: [UInt8] = (0..<3).flatMap { k in (0..<8).map { UInt8(k * 10 + $0) } }

  @Test func rawRoundTrip() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/images-idx3-ubyte"
      try TestFiles.write(TestFiles.idx(shape: [3, 2, 4], data: pixels), to: path)
      let array = try IDXReader.readImages(path)
      #expect(array == IDXArray(shape: [3, 2, 4], bytes: pixels))
      #expect(try IDXReader.read(path) == array)
    }
  }

  @Test func gzipRoundTrip() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/labels-idx1-ubyte.gz"
      try Gzip.write(TestFiles.idx(shape: [5], data: [1, 2, 3, 4, 5]), to: path)
      #expect(try IDXReader.readLabels(path) == IDXArray(shape: [5], bytes: [1, 2, 3, 4, 5]))
    }
  }

  @Test func pythonGzipFixtureBecomesADataset() throws {
    let data = try IDXReader.dataset(
      imagesPath: TestFiles.fixture("tiny-images-idx3-ubyte.gz"),
      labelsPath: TestFiles.fixture("tiny-labels-idx1-ubyte.gz"), name: "tiny",
      classNames: ["a", "b", "c"], normalization: .identity(channels: 1))
    #expect(data.shape == [3, 1, 2, 4])
    #expect(data.labels == [2, 0, 1])
    #expect(data.images.data == pixels.map { Float($0) / 255 })
    #expect(data.classNames == ["a", "b", "c"])
  }

  @Test func truncatedDataNamesPathAndOffset() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/train-images-idx3-ubyte"
      try TestFiles.write(
        TestFiles.idx(shape: [3, 2, 4], data: Array(pixels.prefix(10))), to: path)
      let error = #expect(throws: DatasetError.self) { _ = try IDXReader.readImages(path) }
      #expect(
        error == .truncated(path: path, offset: 16, what: "image data", expected: 24, found: 10))
      #expect(
        error?.description
          == "\(path): byte 16: expected 24 bytes of image data, file ends after 10")
    }
  }

  @Test func truncatedGzipContentNamesTheDecompressedOffset() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/train-images-idx3-ubyte.gz"
      try Gzip.write(TestFiles.idx(shape: [3, 2, 4], data: Array(pixels.prefix(20))), to: path)
      #expect(
        throws: DatasetError.truncated(
          path: path, offset: 16, what: "image data", expected: 24, found: 20)
      ) { _ = try IDXReader.readImages(path) }
    }
  }

  @Test func truncatedHeaderIsReported() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/short"
      try TestFiles.write([0, 0, 8, 3, 0, 0, 0, 3, 0, 0], to: path)
      #expect(
        throws: DatasetError.truncated(
          path: path, offset: 8, what: "IDX dimension 1", expected: 4, found: 2)
      ) { _ = try IDXReader.readImages(path) }
    }
  }

  @Test func badMagicUnsupportedTypeAndWrongRank() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/file"
      try TestFiles.write([0x50, 0x4B, 3, 4, 0, 0, 0, 0], to: path)
      #expect(
        throws: DatasetError.badMagic(
          path: path, offset: 0, expected: [0, 0, 8, 3], found: [0x50, 0x4B, 3, 4])
      ) { _ = try IDXReader.readImages(path) }

      try TestFiles.write(TestFiles.idx(shape: [1], data: [0, 0, 0, 0], typeCode: 0x0D), to: path)
      #expect(throws: DatasetError.unsupportedDType(path: path, offset: 2, dtype: "0x0d (float32)"))
      {
        _ = try IDXReader.read(path)
      }

      try TestFiles.write(TestFiles.idx(shape: [2], data: [0, 1]), to: path)
      #expect(
        throws: DatasetError.badHeader(
          path: path, offset: 3, expected: "3 dimensions", found: "1")
      ) { _ = try IDXReader.readImages(path) }
    }
  }

  @Test func trailingBytesAreRejected() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/labels"
      try TestFiles.write(TestFiles.idx(shape: [2], data: [0, 1, 9]), to: path)
      #expect(throws: DatasetError.trailingData(path: path, offset: 10, count: 1)) {
        _ = try IDXReader.readLabels(path)
      }
    }
  }

  @Test func datasetChecksCountsAndLabels() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let images = dir + "/images"
      let labels = dir + "/labels"
      try TestFiles.write(TestFiles.idx(shape: [3, 2, 4], data: pixels), to: images)
      try TestFiles.write(TestFiles.idx(shape: [2], data: [0, 1]), to: labels)
      func load() throws -> Dataset {
        try IDXReader.dataset(
          imagesPath: images, labelsPath: labels, name: "t", classNames: ["a", "b"],
          normalization: .fashionMNIST)
      }
      #expect(
        throws: DatasetError.countMismatch(
          imagesPath: images, images: 3, labelsPath: labels, labels: 2)
      ) { _ = try load() }
      try TestFiles.write(TestFiles.idx(shape: [3], data: [0, 1, 2]), to: labels)
      #expect(
        throws: DatasetError.labelOutOfRange(
          path: labels, offset: 10, label: 2, classCount: 2)
      ) { _ = try load() }
    }
  }
}

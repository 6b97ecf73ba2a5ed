import Testing

@testable import Datasets

@Suite struct GzipTests {
  @Test(arguments: [0, 1, 9])
  func roundTrip(level: Int) throws {
    try TestFiles.withTemporaryDirectory { dir in
      let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
      let path = dir + "/data.gz"
      try Gzip.write(bytes, to: path, level: level)
      #expect(try TestFiles.read(path).prefix(2) == [0x1F, 0x8B])
      #expect(try Gzip.read(path) == bytes)
      #expect(try FileIO.readAll(path) == bytes)
      #expect(try TestFiles.listing(dir) == ["data.gz"])
    }
  }

  @Test func pythonGzipIsReadable() throws {
    let bytes = try Gzip.read(TestFiles.fixture("tiny-labels-idx1-ubyte.gz"))
    #expect(bytes == [0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1])
  }

  @Test func truncatedStreamIsAnErrorNotAShortRead() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/cut.gz"
      let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
      try Gzip.write(bytes, to: path)
      let full = try TestFiles.read(path)
      try TestFiles.write(Array(full.prefix(full.count / 2)), to: path)
      let error = #expect(throws: DatasetError.self) { _ = try FileIO.readAll(path) }
      guard case .zlib(let errorPath, let offset, let code, let message)? = error else {
        Issue.record("expected a zlib error, got \(String(describing: error))")
        return
      }
      #expect(errorPath == path)
      #expect(offset > 0 && offset < bytes.count)
      #expect(code == -5)
      #expect(message == "compressed data ends early")
    }
  }

  @Test func corruptTrailerIsReported() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/bad.gz"
      try Gzip.write(Array(repeating: 42, count: 1000), to: path)
      var bytes = try TestFiles.read(path)
      bytes[bytes.count - 8] ^= 0xFF  // first CRC-32 byte of the trailer
      try TestFiles.write(bytes, to: path)
      let error = #expect(throws: DatasetError.self) { _ = try Gzip.read(path) }
      #expect(error?.description.hasPrefix(path + ": byte ") == true)
      #expect(error?.description.contains("incorrect data check") == true)
    }
  }

  @Test func badLevelIsRejected() {
    #expect(throws: DatasetError.self) { try Gzip.write([1], to: "/tmp/never", level: 10) }
  }
}

import Testing

@testable import Datasets

@Suite struct ZlibTests {
  @Test func crc32CheckValue() {
    #expect(Zlib.crc32(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    #expect(Zlib.crc32([][...]) == 0)
  }

  /// The raw deflate stream of `images.npy` in the savez_compressed fixture.
  func deflatedMember() throws -> (stream: [UInt8], size: Int) {
    let bytes = try TestFiles.fixtureBytes("arrays_compressed.npz")
    let entry = try #require(try Zip.entries(bytes, path: "a").first)
    let header = entry.localHeaderOffset
    func field(_ at: Int) -> Int { Int(bytes[header + at]) | Int(bytes[header + at + 1]) << 8 }
    let start = header + 30 + field(26) + field(28)
    return (Array(bytes[start..<(start + entry.compressedSize)]), entry.size)
  }

  @Test func inflatesRawDeflate() throws {
    let (stream, size) = try deflatedMember()
    let out = try Zlib.inflateRaw(stream[...], expectedSize: size, path: "p", offset: 0)
    #expect(out == (try TestFiles.fixtureBytes("f4.npy")))
  }

  @Test func wrongExpectedSizeIsReported() throws {
    let (stream, size) = try deflatedMember()
    for shortBy in [1, 2, 50] {
      let expected = size - shortBy
      let found = shortBy == 1 ? "\(size)" : "at least \(expected + 1)"
      #expect(
        throws: DatasetError.badHeader(
          path: "p", offset: 5, expected: "\(expected) bytes after decompression", found: found)
      ) {
        _ = try Zlib.inflateRaw(stream[...], expectedSize: expected, path: "p", offset: 5)
      }
    }
    #expect(
      throws: DatasetError.badHeader(
        path: "p", offset: 5, expected: "\(size + 1) bytes after decompression", found: "\(size)")
    ) {
      _ = try Zlib.inflateRaw(stream[...], expectedSize: size + 1, path: "p", offset: 5)
    }
  }

  @Test func truncatedAndCorruptStreamsAreZlibErrors() throws {
    let (stream, size) = try deflatedMember()
    let cut = #expect(throws: DatasetError.self) {
      _ = try Zlib.inflateRaw(stream.prefix(10), expectedSize: size, path: "p", offset: 100)
    }
    #expect(cut == .zlib(path: "p", offset: 110, code: -5, message: "compressed data ends early"))
    let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    let bad = #expect(throws: DatasetError.self) {
      _ = try Zlib.inflateRaw(garbage[...], expectedSize: 10, path: "p", offset: 0)
    }
    guard case .zlib(_, _, let code, _)? = bad else {
      Issue.record("expected a zlib error")
      return
    }
    #expect(code == -3)
  }
}

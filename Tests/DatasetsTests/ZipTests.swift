import Testing

@testable import Datasets

@Suite struct ZipTests {
  @Test func localHeaderLayout() throws {
    let bytes = try Zip.archive([(name: "ab.npy", data: [1, 2, 3])], path: "p")
    #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
    #expect(Array(bytes[30..<36]) == Array("ab.npy".utf8))
    #expect(Array(bytes[36..<39]) == [1, 2, 3])
    #expect(bytes.count == 30 + 6 + 3 + 46 + 6 + 22)
    let entry = try #require(try Zip.entries(bytes, path: "p").first)
    #expect(
      entry
        == ZipEntry(
          name: "ab.npy", flags: 0, method: 0, crc: Zlib.crc32([1, 2, 3][...]), compressedSize: 3,
          size: 3, localHeaderOffset: 0))
  }

  @Test func numpyZip64LocalHeadersAreHandled() throws {
    // numpy forces zip64 local headers (sizes 0xFFFFFFFF plus an extra field).
    let bytes = try TestFiles.fixtureBytes("arrays.npz")
    let entry = try #require(try Zip.entries(bytes, path: "p").first)
    #expect(
      Array(bytes[(entry.localHeaderOffset + 18)..<(entry.localHeaderOffset + 22)]) == [
        0xFF, 0xFF, 0xFF, 0xFF,
      ])
    #expect(entry.size == 152)
  }

  @Test func unsupportedMethodAndEncryptionAreReported() throws {
    var bytes = try Zip.archive([(name: "a.npy", data: [1])], path: "p")
    let central = 30 + 5 + 1
    bytes[central + 10] = 12  // method: bzip2
    #expect(throws: DatasetError.unsupportedCompression(path: "p", member: "a.npy", method: 12)) {
      _ = try NPZ.decode(bytes, path: "p")
    }
    bytes[central + 10] = 0
    bytes[central + 8] = 1  // flags: encrypted
    let error = #expect(throws: DatasetError.self) { _ = try NPZ.decode(bytes, path: "p") }
    #expect(error?.description.contains("encrypted") == true)
  }
}

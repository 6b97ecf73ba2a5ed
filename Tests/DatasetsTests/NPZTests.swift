import TensorCore
import Testing

@testable import Datasets

@Suite struct NPZTests {
  let arrays: [(String, NPYArray)] = [
    ("images", Reference.f4), ("labels", Reference.i8), ("mask", Reference.u1),
  ]

  @Test func roundTripKeepsOrder() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/set.npz"
      try NPZ.write(arrays, to: path)
      let archive = try NPZ.read(path)
      #expect(archive.names == ["images", "labels", "mask"])
      #expect(archive["labels"] == Reference.i8)
      #expect(try archive.array(named: "mask") == Reference.u1)
      #expect(archive["nothing"] == nil)
      #expect(try TestFiles.listing(dir) == ["set.npz"])
      try NPZ.write([("only", Reference.u1)], to: path)
      #expect(try NPZ.read(path).names == ["only"])
    }
  }

  @Test func storedMembersAreExactlyTheNpyBytes() throws {
    let bytes = try NPZ.encode(arrays)
    let entries = try Zip.entries(bytes, path: "p")
    #expect(entries.map(\.name) == ["images.npy", "labels.npy", "mask.npy"])
    #expect(entries.allSatisfy { $0.method == 0 })
    #expect(try Zip.contents(of: entries[2], in: bytes, path: "p") == NPY.encode(Reference.u1))
    #expect(try NPZ.encode(arrays) == bytes)
  }

  @Test(arguments: ["arrays.npz", "arrays_compressed.npz"])
  func readsNumpyArchives(fixture: String) throws {
    let archive = try NPZ.read(TestFiles.fixture(fixture))
    #expect(archive.members == arrays.map { NPZMember(name: $0.0, array: $0.1) })
  }

  @Test func missingMemberListsTheOthers() throws {
    let path = TestFiles.fixture("arrays.npz")
    let archive = try NPZ.read(path)
    let error = #expect(throws: DatasetError.self) { _ = try archive.array(named: "weights") }
    #expect(
      error == .missingMember(path: path, name: "weights", available: ["images", "labels", "mask"]))
  }

  @Test func corruptedMemberFailsItsChecksum() throws {
    var bytes = try NPZ.encode(arrays)
    let entry = try Zip.entries(bytes, path: "p")[1]
    bytes[entry.localHeaderOffset + 30 + 10 + 130] ^= 1  // inside labels.npy's data
    #expect(
      throws: DatasetError.checksumMismatch(
        path: "p", member: "labels.npy", expected: entry.crc,
        found: Zlib.crc32(
          Array(
            bytes[(entry.localHeaderOffset + 40)..<(entry.localHeaderOffset + 40 + entry.size)])[
              ...]))
    ) { _ = try NPZ.decode(bytes, path: "p") }
  }

  @Test func corruptDeflateStreamIsAZlibOrChecksumError() throws {
    var bytes = try TestFiles.fixtureBytes("arrays_compressed.npz")
    let entry = try Zip.entries(bytes, path: "p")[0]
    for k in 60..<70 { bytes[entry.localHeaderOffset + k] ^= 0x55 }
    let error = #expect(throws: DatasetError.self) { _ = try NPZ.decode(bytes, path: "p") }
    switch error {
    case .zlib?, .checksumMismatch?, .badHeader?: break
    default: Issue.record("unexpected \(String(describing: error))")
    }
  }

  @Test func malformedMemberNamesArchiveAndMember() throws {
    let bad = [UInt8]("not an npy file".utf8)
    let bytes = try Zip.archive([(name: "x.npy", data: bad)], path: "p")
    #expect(
      throws: DatasetError.badMagic(
        path: "a.npz[x.npy]", offset: 0, expected: NPY.magic, found: Array(bad.prefix(6)))
    ) { _ = try NPZ.decode(bytes, path: "a.npz") }
  }

  @Test func nonArchivesAndTruncatedArchivesAreRejected() throws {
    let npy = NPY.encode(Reference.u1)
    #expect(
      throws: DatasetError.badMagic(
        path: "p", offset: 0, expected: [0x50, 0x4B, 3, 4], found: Array(npy.prefix(4)))
    ) { _ = try NPZ.decode(npy, path: "p") }
    let bytes = try NPZ.encode(arrays)
    let cut = #expect(throws: DatasetError.self) {
      _ = try NPZ.decode(Array(bytes.dropLast(5)), path: "p")
    }
    #expect(cut?.description.contains("end-of-central-directory") == true)
    let empty = try NPZ.encode([])
    #expect(empty.count == 22)
    #expect(try NPZ.decode(empty, path: "p").members.isEmpty)
  }

  @Test func repeatedKeysAreRejected() {
    #expect(throws: DatasetError.self) {
      _ = try NPZ.encode([("a", Reference.u1), ("a", Reference.f4)])
    }
  }
}

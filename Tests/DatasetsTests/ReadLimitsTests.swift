import Foundation
import Testing

@testable import Datasets

/// Readers refuse what could never end (devices, fifos, directories) and stop decompressing at
/// a cap checked as the data inflates: gzip bombs and zip members whose directory lies.
@Suite struct ReadLimitsTests {
  @Test(arguments: ["/dev/urandom", "/dev/null", "/tmp"])
  func nonRegularFilesAreRefused(_ path: String) throws {
    let error = #expect(throws: DatasetError.self) { _ = try IDXReader.read(path) }
    guard case .notRegularFile(let errorPath, let kind)? = error else {
      Issue.record("expected notRegularFile, got \(String(describing: error))")
      return
    }
    #expect(errorPath == path)
    #expect(kind == (path == "/tmp" ? "a directory" : "a character device"))
    #expect(throws: DatasetError.self) { _ = try NPZ.read(path) }
    #expect(throws: DatasetError.self) { _ = try NPY.read(path) }
  }

  @Test func aFifoIsRefusedWithoutWaitingForAWriter() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/fifo"
      #expect(mkfifo(path, 0o600) == 0)
      let error = #expect(throws: DatasetError.self) { _ = try NPZ.read(path) }
      #expect(error == .notRegularFile(path: path, kind: "a fifo"))
    }
  }

  /// An IDX header for 10 tiny images followed by 16 MB of zeros: inflation stops one byte
  /// past the size the header declares, with an error naming the path and that size.
  @Test func gzipBombIDXStopsAtItsDeclaredSize() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/bomb-idx3-ubyte.gz"
      let header = TestFiles.idx(shape: [10, 4, 4], data: [])
      try Gzip.write(header + [UInt8](repeating: 0, count: 16 << 20), to: path, level: 1)
      #expect(try TestFiles.read(path).count < 200_000)
      let error = #expect(throws: DatasetError.self) { _ = try IDXReader.readImages(path) }
      #expect(error == .tooLarge(path: path, limit: 16 + 160))
      #expect("\(error.map { "\($0)" } ?? "")".contains("exceeds the limit of 176 bytes"))
    }
  }

  @Test func gzipInflationStopsAtTheGlobalCap() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/zeros.gz"
      try Gzip.write([UInt8](repeating: 0, count: 1 << 20), to: path)
      #expect(throws: DatasetError.tooLarge(path: path, limit: 1000)) {
        _ = try FileIO.readAll(path, limit: 1000)
      }
      #expect(try FileIO.readAll(path, limit: 1 << 20).count == 1 << 20)
    }
  }

  /// A stored-looking archive whose central directory claims a 4 GiB deflated member made
  /// from a few bytes: refused from the claim alone, before any output buffer exists.
  @Test func zipMemberClaimingFourGiBIsRefusedUpFront() throws {
    var bytes = try NPZ.encode([("x", NPYArray(float32: [1, 2, 3], shape: [3]))])
    let central = try #require(locate([0x50, 0x4B, 0x01, 0x02], in: bytes))
    bytes[central + 10] = 8  // method: deflated
    for (index, byte) in [0xFE, 0xFF, 0xFF, 0xFF].enumerated() {
      bytes[central + 24 + index] = UInt8(byte)  // uncompressed size 0xFFFFFFFE
    }
    let error = #expect(throws: DatasetError.self) { _ = try NPZ.decode(bytes, path: "big.npz") }
    guard case .badHeader(_, _, let expected, let found)? = error else {
      Issue.record("expected badHeader, got \(String(describing: error))")
      return
    }
    #expect(expected.contains("1032:1"))
    #expect(found == "a claimed size of 4294967294")
  }

  @Test func deflatedMemberThatExpandsPastItsClaimStops() throws {
    let small = try rawDeflate([UInt8](repeating: 7, count: 1 << 20))
    let error = #expect(throws: DatasetError.self) {
      _ = try Zlib.inflateRaw(small[...], expectedSize: 5000, path: "m.npz", offset: 30)
    }
    #expect(
      error
        == .badHeader(
          path: "m.npz", offset: 30, expected: "5000 bytes after decompression",
          found: "at least 5001"))
    let whole = try Zlib.inflateRaw(small[...], expectedSize: 1 << 20, path: "m", offset: 0)
    #expect(whole == [UInt8](repeating: 7, count: 1 << 20))
  }

  /// A raw deflate stream: zlib's gzip output without its 10-byte header and 8-byte trailer.
  private func rawDeflate(_ bytes: [UInt8]) throws -> [UInt8] {
    try TestFiles.withTemporaryDirectory { dir in
      try Gzip.write(bytes, to: dir + "/x.gz", level: 9)
      let file = try TestFiles.read(dir + "/x.gz")
      return Array(file[10..<(file.count - 8)])
    }
  }

  private func locate(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard bytes.count >= needle.count else { return nil }
    return (0...(bytes.count - needle.count)).first {
      Array(bytes[$0..<($0 + needle.count)]) == needle
    }
  }
}

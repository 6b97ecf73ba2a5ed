import Foundation
import TensorCore
import Testing

@testable import Datasets

@Suite struct FileIOTests {
  @Test func temporaryFileSitsBesideTheTarget() {
    let temporary = FileReplacement.temporaryPath(beside: "/a/b/c.npz")
    #expect(temporary.hasPrefix("/a/b/.c.npz.tmp-"))
    #expect(FileReplacement.temporaryPath(beside: "plain.npy").hasPrefix(".plain.npy.tmp-"))
  }

  @Test func atomicWriteReplacesAndLeavesNoTemporaryFile() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/out.bin"
      try FileIO.writeAtomically([1, 2, 3], to: path)
      try FileIO.writeAtomically([9], to: path)
      #expect(try TestFiles.read(path) == [9])
      #expect(try TestFiles.listing(dir) == ["out.bin"])
    }
  }

  @Test func failedWriteKeepsTheOldFileAndCleansUp() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/keep.bin"
      try TestFiles.write([7, 7], to: path)
      #expect(throws: DatasetError.writeFailed(path: path, reason: "boom")) {
        try FileIO.writeAtomically(path) { (temporary: String) throws(DatasetError) in
          try FileIO.writeAtomically([1], to: temporary)
          throw .writeFailed(path: path, reason: "boom")
        }
      }
      #expect(try TestFiles.read(path) == [7, 7])
      #expect(try TestFiles.listing(dir) == ["keep.bin"])
    }
  }

  @Test func writingIntoAMissingDirectoryFails() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/missing/out.bin"
      let error = #expect(throws: DatasetError.self) { try FileIO.writeAtomically([1], to: path) }
      #expect(error?.description.hasPrefix(path + ": cannot write:") == true)
    }
  }

  @Test func readingMissingFilesAndDirectoriesFails() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let missing = dir + "/nope"
      let error = #expect(throws: DatasetError.self) { _ = try FileIO.readRaw(missing) }
      #expect(error?.description.hasPrefix(missing + ": cannot open:") == true)
      #expect(throws: DatasetError.self) { _ = try FileIO.readAll(dir) }
      #expect(throws: DatasetError.fileNotFound(candidates: [missing, missing + ".gz"])) {
        _ = try FileIO.firstExisting([missing, missing + ".gz"])
      }
    }
  }

  @Test func readAllPassesPlainFilesThrough() throws {
    try TestFiles.withTemporaryDirectory { dir in
      let bytes = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }
      try TestFiles.write(bytes, to: dir + "/plain")
      #expect(try FileIO.readAll(dir + "/plain") == bytes)
      try TestFiles.write([], to: dir + "/empty")
      #expect(try FileIO.readAll(dir + "/empty") == [])
    }
  }
}

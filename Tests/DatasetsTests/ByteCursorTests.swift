import Testing

@testable import Datasets

@Suite struct ByteCursorTests {
  @Test func readsIntegersInBothByteOrders() throws {
    var cursor = ByteCursor(
      path: "p", bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFF, 0, 0, 0, 0, 0, 0, 0])
    #expect(try cursor.uint32BE("a") == 0x0102_0304)
    #expect(try cursor.uint32LE("b") == 0x0807_0605)
    #expect(try cursor.uint8("c") == 9)
    #expect(try cursor.uint64LE("d") == 0xFF)
    #expect(cursor.remaining == 0)
    try cursor.expectEnd()
  }

  @Test func readingPastTheEndNamesOffsetAndShortfall() {
    var cursor = ByteCursor(path: "p", bytes: [1, 2, 3], offset: 1)
    #expect(throws: DatasetError.truncated(path: "p", offset: 1, what: "x", expected: 4, found: 2))
    {
      _ = try cursor.take(4, "x")
    }
    #expect(cursor.offset == 1)
  }

  @Test func offsetsOutsideTheBufferThrowInsteadOfTrapping() {
    var before = ByteCursor(path: "p", bytes: [1, 2], offset: -3)
    var after = ByteCursor(path: "p", bytes: [1, 2], offset: 9)
    #expect(throws: DatasetError.self) { _ = try before.uint16LE("x") }
    #expect(throws: DatasetError.truncated(path: "p", offset: 9, what: "x", expected: 1, found: 0))
    {
      _ = try after.uint8("x")
    }
  }

  @Test func leftoverBytesAreTrailingData() {
    let cursor = ByteCursor(path: "p", bytes: [1, 2, 3], offset: 1)
    #expect(throws: DatasetError.trailingData(path: "p", offset: 1, count: 2)) {
      try cursor.expectEnd()
    }
  }
}

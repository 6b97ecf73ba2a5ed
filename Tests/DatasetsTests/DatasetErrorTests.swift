import Testing

@testable import Datasets

/// Every case renders as one line that starts with where the problem is.
@Suite struct DatasetErrorTests {
  static let cases: [(DatasetError, String)] = [
    (
      .truncated(
        path: "/x/train-images-idx3-ubyte.gz", offset: 16, what: "image data",
        expected: 47_040_000, found: 1200),
      "/x/train-images-idx3-ubyte.gz: byte 16: expected 47040000 bytes of image data,"
        + " file ends after 1200"
    ),
    (.cannotOpen(path: "/x/a", reason: "No such file"), "/x/a: cannot open: No such file"),
    (.fileNotFound(candidates: ["/a.gz", "/a"]), "no such file: tried /a.gz, /a"),
    (
      .trailingData(path: "p", offset: 40, count: 2),
      "p: byte 40: 2 unexpected bytes after the end of the data"
    ),
    (
      .badMagic(path: "p", offset: 0, expected: [0, 0, 8, 3], found: [0x50, 0x4B, 3, 4]),
      "p: byte 0: expected magic 00 00 08 03, found 50 4b 03 04"
    ),
    (
      .badHeader(path: "p", offset: 3, expected: "3 dimensions", found: "1"),
      "p: byte 3: expected 3 dimensions, found 1"
    ),
    (.unsupportedDType(path: "p", offset: 2, dtype: "'>f4'"), "p: byte 2: unsupported dtype '>f4'"),
    (
      .malformedNPYHeader(path: "p", offset: 10, reason: "expected '{'"),
      "p: byte 10: malformed .npy header: expected '{'"
    ),
    (
      .labelOutOfRange(path: "p", offset: 9, label: 12, classCount: 10),
      "p: byte 9: label 12 is outside 0..<10"
    ),
    (
      .invalidLabel(dataset: "d", index: 4, label: -1, classCount: 3),
      "d: label -1 at index 4 is outside 0..<3"
    ),
    (
      .indexOutOfRange(dataset: "d", position: 2, index: 7, count: 6),
      "d: index 7 at position 2 is outside 0..<6"
    ),
    (.notWholeNumber(position: 3, value: 1.5), "position 3: 1.5 is not a whole number"),
    (.notOneHot(row: 4), "row 4: not one-hot (expected a single 1, the rest 0)"),
    (.badLayout(shape: [2, 3], expected: "[N]"), "shape [2, 3]: expected [N]"),
    (
      .countMismatch(imagesPath: "i", images: 3, labelsPath: "l", labels: 2),
      "i has 3 images but l has 2 labels"
    ),
    (
      .missingMember(path: "a.npz", name: "w", available: ["x", "y"]),
      "a.npz: no member named 'w' (members: x, y)"
    ),
    (
      .unsupportedCompression(path: "a.npz", member: "x.npy", method: 12),
      "a.npz[x.npy]: unsupported zip compression method 12 (only 0 stored and 8 deflated)"
    ),
    (
      .checksumMismatch(path: "a.npz", member: "x.npy", expected: 0xDEAD, found: 0xBEEF_0001),
      "a.npz[x.npy]: CRC-32 mismatch: expected 0x0000dead, found 0xbeef0001"
    ),
    (
      .zlib(path: "p.gz", offset: 7, code: -3, message: "invalid block type"),
      "p.gz: byte 7: zlib error -3: invalid block type"
    ),
    (
      .writeFailed(path: "/ro/x", reason: "Permission denied"),
      "/ro/x: cannot write: Permission denied"
    ),
    (
      .notEnoughSamples(dataset: "d", classIndex: 2, available: 1, requested: 5),
      "d: class 2 has 1 examples, 5 requested"
    ),
    (
      .invalidArgument(op: "split", argument: "fraction", value: "1.5", expected: "[0, 1]"),
      "split: fraction is 1.5, expected [0, 1]"
    ),
  ]

  @Test(arguments: cases)
  func message(error: DatasetError, expected: String) {
    #expect(error.description == expected)
    #expect(!error.description.contains("\n"))
  }
}

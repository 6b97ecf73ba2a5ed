import TensorCore
import Testing

@Suite struct ShapeErrorTests {
  /// (label, input, filter, stride, padding) that ConvGeometry must reject.
  static let badConvolutions: [(String, [Int], [Int], Int, Int)] = [
    ("input rank 3", [1, 5, 5], [1, 1, 3, 3], 1, 0),
    ("filter rank 3", [1, 1, 5, 5], [1, 3, 3], 1, 0),
    ("channel mismatch", [1, 2, 5, 5], [1, 3, 3, 3], 1, 0),
    ("stride 0", [1, 1, 5, 5], [1, 1, 3, 3], 0, 0),
    ("negative padding", [1, 1, 5, 5], [1, 1, 3, 3], 1, -1),
    ("kernel taller than input", [1, 1, 2, 5], [1, 1, 3, 3], 1, 0),
    ("kernel wider than padded input", [1, 1, 5, 2], [1, 1, 3, 5], 1, 1),
  ]

  @Test(arguments: badConvolutions)
  func convGeometryRejectsBadShapes(_ c: (String, [Int], [Int], Int, Int)) {
    #expect(throws: ShapeError.self, "\(c.0)") {
      try ConvGeometry(input: c.1, filter: c.2, stride: c.3, padding: c.4)
    }
  }

  @Test func convGeometryAcceptsKernelThatFitsWithPadding() throws {
    let g = try ConvGeometry(input: [2, 3, 2, 2], filter: [4, 3, 3, 3], stride: 1, padding: 1)
    #expect(g.outputShape == [2, 4, 2, 2])
    #expect(g.patch == 27)
  }

  @Test func checkBroadcastNamesBothShapes() {
    do {
      _ = try Shape.checkBroadcast([2, 3], [4, 3], op: "add")
      Issue.record("expected a broadcast error")
    } catch let error as ShapeError {
      #expect(error == .notBroadcastable(op: "add", lhs: [2, 3], rhs: [4, 3]))
      let message = error.description
      #expect(
        message.contains("[2, 3]") && message.contains("[4, 3]") && message.contains("add"),
        "\(message)")
    } catch {
      Issue.record("unexpected error \(error)")
    }
    #expect(throws: Never.self) { try Shape.checkBroadcast([2, 1], [1, 3], op: "add") }
  }

  @Test func checkedBinaryThrowsInsteadOfTrapping() {
    let a = NDArray.zeros([2, 3])
    let b = NDArray.zeros([3, 2])
    #expect(throws: ShapeError.notBroadcastable(op: "multiply", lhs: [2, 3], rhs: [3, 2])) {
      try a.checked(.multiply, b)
    }
  }

  @Test func otherChecksThrow() {
    #expect(throws: ShapeError.countMismatch(op: "array", count: 5, shape: [2, 3])) {
      try NDArray(validating: [1, 2, 3, 4, 5], shape: [2, 3])
    }
    #expect(throws: ShapeError.self) { try NDArray(validating: [], shape: [-1, 0]) }
    #expect(throws: ShapeError.outOfRange(op: "sum", value: 3, range: 0..<3)) {
      try Shape.normalizeAxes([3], rank: 3, op: "sum")
    }
    #expect((try? Shape.normalizeAxes([-1, 0, 2], rank: 3, op: "sum")) == [0, 2])
  }

  @Test func messagesAreOneLine() {
    let errors: [ShapeError] = [
      .notBroadcastable(op: "add", lhs: [2], rhs: [3]),
      .mismatch(op: "conv2d", shape: [1, 2], expected: "[N, C, H, W]"),
      .countMismatch(op: "reshape", count: 6, shape: [4]),
      .outOfRange(op: "sum", value: 5, range: 0..<2),
    ]
    for error in errors {
      #expect(!error.description.contains("\n"))
      #expect(error.description.hasPrefix(error.description.split(separator: ":")[0] + ":"))
    }
  }
}

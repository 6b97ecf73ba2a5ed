import Testing

@testable import Datasets

@Suite struct NPYHeaderTests {
  func parse(_ text: String) throws -> NPYHeader {
    try NPYHeader.parse(Array(text.utf8)[...], base: 10, path: "p")
  }

  @Test func parsesNumpyAndHandWrittenHeaders() throws {
    let numpy = try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }      \n")
    #expect(numpy.descr == "<f4" && !numpy.fortranOrder && numpy.shape == [2, 3])
    #expect(numpy.descrOffset == 20)
    let terse = try parse("{\"shape\":(7L,),\"fortran_order\":True,\"descr\":\"|u1\"}")
    #expect(terse.shape == [7] && terse.fortranOrder && terse.descr == "|u1")
    #expect(try parse("{'descr': '<i8', 'fortran_order': False, 'shape': ()}").shape == [])
  }

  @Test func writesWhatNumpyWrites() {
    let header = NPYHeader(descr: "<f4", fortranOrder: false, shape: [2, 3])
    #expect(
      header.text == "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        + String(repeating: " ", count: 20))
    #expect(
      NPYHeader(descr: "|u1", fortranOrder: false, shape: [12]).text.hasPrefix(
        "{'descr': '|u1', 'fortran_order': False, 'shape': (12,), }"))
    #expect(NPYHeader(descr: "<f4", fortranOrder: false, shape: []).text.hasSuffix("(), }"))
  }

  static let malformed: [(String, Int, String)] = [
    ("['descr']", 10, "expected '{'"),
    (
      "{'descr': '<f4', 'fortran_order': False}", 10,
      "keys are {descr, fortran_order}, expected {descr, fortran_order, shape}"
    ),
    (
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': True}", 10,
      "keys are {descr, fortran_order, shape, x}, expected {descr, fortran_order, shape}"
    ),
    ("{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", 26, "expected ',' or '}'"),
    (
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x)}", 64,
      "expected a non-negative integer in the shape"
    ),
    (
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", 61,
      "expected a non-negative integer in the shape"
    ),
    (
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", 63,
      "expected ',' or ')' in the shape"
    ),
    ("{'descr': '<f4}", 20, "unterminated string"),
    ("{'descr': '<f4', 'descr': '<f4'}", 27, "duplicate key 'descr'"),
    (
      "{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}", 10,
      "'fortran_order' must be True or False"
    ),
    (
      "{'descr': '<f4', 'fortran_order': False, 'shape': '1'}", 10,
      "'shape' must be a tuple of integers"
    ),
    (
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", 60,
      "expected a string, True, False or a tuple"
    ),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", 66, "unexpected text after '}'"),
    ("{3: 4}", 11, "expected a string, True, False or a tuple"),
    ("{'a\\'': 1}", 11, "escape sequences are not supported"),
    ("{'descr': '<f4', 'fortran_order': Fals", 44, "expected a string, True, False or a tuple"),
    ("", 10, "expected '{'"),
  ]

  @Test(arguments: malformed)
  func malformedHeadersAreRejected(text: String, offset: Int, reason: String) {
    #expect(throws: DatasetError.malformedNPYHeader(path: "p", offset: offset, reason: reason)) {
      _ = try parse(text)
    }
  }

  @Test func structuredDtypesAreUnsupported() {
    #expect(
      throws: DatasetError.unsupportedDType(
        path: "p", offset: 20, dtype: "with fields (structured arrays)")
    ) { _ = try parse("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}") }
  }
}

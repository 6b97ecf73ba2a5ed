/// The dictionary at the start of a `.npy` file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader: Equatable {
  /// The numpy type string.
  var descr: String
  /// True for Fortran (column-major) order.
  var fortranOrder: Bool
  /// Extent of each axis.
  var shape: [Int]
  /// File offsets of the `descr` and `fortran_order` values, for errors.
  var descrOffset = 0
  var fortranOrderOffset = 0

  // MARK: - Writing

  /// The dictionary text exactly as numpy 2 writes it (keys sorted, a trailing ", ", then
  /// spare spaces so axis 0 can grow to 21 digits in place), before padding.
  var text: String {
    let dims = shape.map(String.init)
    let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))"
    let order = fortranOrder ? "True" : "False"
    let spare = shape.isEmpty ? 0 : max(21 - dims[fortranOrder ? dims.count - 1 : 0].count, 0)
    return "{'descr': '\(descr)', 'fortran_order': \(order), 'shape': \(tuple), }"
      + String(repeating: " ", count: spare)
  }

  // MARK: - Parsing

  /// Parses the dictionary text; `base` is the file offset of its first byte.
  /// Grammar (a Python literal):
  ///   dict  := '{' [ key ':' value { ',' key ':' value } [','] ] '}'
  ///   key   := string
  ///   value := string | 'True' | 'False' | '(' [ int { ',' int } [','] ] ')'
  static func parse(
    _ text: ArraySlice<UInt8>, base: Int, path: String
  ) throws(DatasetError) -> NPYHeader {
    var parser = Parser(bytes: Array(text), base: base, path: path)
    return try parser.header()
  }

  /// One literal value of the dictionary.
  enum Value {
    case string(String)
    case bool(Bool)
    case tuple([Int])
  }

  struct Parser {
    let bytes: [UInt8]
    let base: Int
    let path: String
    var position = 0

    init(bytes: [UInt8], base: Int, path: String) {
      self.bytes = bytes
      self.base = base
      self.path = path
    }

    /// header := dict, followed only by spaces and the closing newline.
    mutating func header() throws(DatasetError) -> NPYHeader {
      var values: [String: (Value, Int)] = [:]
      try expect("{")
      skipSpace()
      while peek != UInt8(ascii: "}") {
        let keyOffset = base + position
        guard case .string(let key) = try value() else { throw malformed("expected a string key") }
        guard values[key] == nil else { throw malformed("duplicate key '\(key)'", at: keyOffset) }
        try expect(":")
        skipSpace()
        let valueOffset = base + position
        values[key] = (try value(of: key), valueOffset)
        skipSpace()
        if peek == UInt8(ascii: ",") {
          position += 1
          skipSpace()
        } else if peek != UInt8(ascii: "}") {
          throw malformed("expected ',' or '}'")
        }
      }
      position += 1
      skipSpace()
      guard position == bytes.count else { throw malformed("unexpected text after '}'") }
      return try build(values)
    }

    private func build(_ values: [String: (Value, Int)]) throws(DatasetError) -> NPYHeader {
      let expected: Set = ["descr", "fortran_order", "shape"]
      guard Set(values.keys) == expected else {
        let keys = values.keys.sorted().joined(separator: ", ")
        throw malformed("keys are {\(keys)}, expected {descr, fortran_order, shape}", at: base)
      }
      guard case .some((.string(let descr), let descrOffset)) = values["descr"] else {
        throw malformed("'descr' must be a string", at: base)
      }
      guard case .some((.bool(let fortran), let fortranOffset)) = values["fortran_order"] else {
        throw malformed("'fortran_order' must be True or False", at: base)
      }
      guard case .some((.tuple(let shape), _)) = values["shape"] else {
        throw malformed("'shape' must be a tuple of integers", at: base)
      }
      return NPYHeader(
        descr: descr, fortranOrder: fortran, shape: shape, descrOffset: descrOffset,
        fortranOrderOffset: fortranOffset)
    }

    /// value := string | 'True' | 'False' | tuple; a list is only recognised as the `descr`
    /// of a structured dtype, which is unsupported.
    private mutating func value(of key: String? = nil) throws(DatasetError) -> Value {
      skipSpace()
      switch peek {
      case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "("): return .tuple(try tuple())
      case UInt8(ascii: "[") where key == "descr":
        throw .unsupportedDType(
          path: path, offset: base + position, dtype: "with fields (structured arrays)")
      default:
        if consume("True") { return .bool(true) }
        if consume("False") { return .bool(false) }
        throw malformed("expected a string, True, False or a tuple")
      }
    }

    /// string := quote { any byte but quote or backslash } quote
    private mutating func string() throws(DatasetError) -> String {
      let quote = bytes[position]
      let start = position + 1
      guard let end = bytes[start...].firstIndex(of: quote) else {
        throw malformed("unterminated string")
      }
      guard !bytes[start..<end].contains(UInt8(ascii: "\\")) else {
        throw malformed("escape sequences are not supported")
      }
      position = end + 1
      return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// tuple := '(' [ int { ',' int } [','] ] ')'; Python 2's long suffix 'L' is accepted.
    private mutating func tuple() throws(DatasetError) -> [Int] {
      position += 1
      var items: [Int] = []
      skipSpace()
      while peek != UInt8(ascii: ")") {
        let start = position
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
          position += 1
        }
        guard position > start,
          let item = Int(String(decoding: bytes[start..<position], as: UTF8.self))
        else { throw malformed("expected a non-negative integer in the shape", at: base + start) }
        items.append(item)
        _ = consume("L")
        skipSpace()
        if peek == UInt8(ascii: ",") {
          position += 1
          skipSpace()
        } else if peek != UInt8(ascii: ")") {
          throw malformed("expected ',' or ')' in the shape")
        }
      }
      position += 1
      return items
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
      while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
        position += 1
      }
    }

    private mutating func consume(_ word: String) -> Bool {
      let utf8 = Array(word.utf8)
      guard bytes[position...].starts(with: utf8) else { return false }
      position += utf8.count
      return true
    }

    private mutating func expect(_ symbol: String) throws(DatasetError) {
      skipSpace()
      guard consume(symbol) else { throw malformed("expected '\(symbol)'") }
    }

    private func malformed(_ reason: String, at offset: Int? = nil) -> DatasetError {
      .malformedNPYHeader(path: path, offset: offset ?? base + position, reason: reason)
    }
  }
}

/// Left-aligned text columns separated by two spaces: `help`, `vars` and result tables.
public struct TextTable {
  /// The rows, header first if there is one.
  public var rows: [[String]]

  /// A table of `rows`.
  public init(_ rows: [[String]]) {
    self.rows = rows
  }

  /// The rows with padded columns, one per line, `indent` before each; trailing blanks trimmed.
  public func render(indent: String = "") -> String {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
      let cells = row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell.padded(to: widths[index] + 2)
      }
      var line = indent + cells.joined()
      while line.last == " " { line.removeLast() }
      return line + "\n"
    }.joined()
  }
}

extension String {
  /// Pads with spaces on the right to `length` characters (never truncates).
  func padded(to length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }
}

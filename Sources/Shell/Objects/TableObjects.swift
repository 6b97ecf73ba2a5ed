import Datasets
import Foundation

/// A table as data: named columns of numbers or text, for .csv and .npz files.
struct DataTable {
  /// One cell.
  enum Cell {
    case integer(Int)
    case number(Double)
    case text(String)
  }

  /// Column names: snake_case, so they work as numpy member names and pandas columns.
  var columns: [String]
  /// Rows, each as long as `columns`.
  var rows: [[Cell]]

  /// RFC 4180 CSV: a header line, then one line per row; numbers with the digits that read
  /// back exactly, text quoted when it holds a comma, quote or line break.
  var csv: String {
    var lines = [columns.map(Self.quoted).joined(separator: ",")]
    for row in rows {
      lines.append(row.map(Self.csvCell).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One .npz member per column: int64 for whole-number columns, float64 for numbers, and
  /// uint8 UTF-8 bytes joined by newlines for text (as `ddcal.classes`).
  func npzMembers() throws -> [(String, NPYArray)] {
    try columns.indices.map { c in
      let cells = rows.map { $0[c] }
      let n = cells.count
      if let ints = Self.integers(cells) {
        return (columns[c], try NPYArray(int64: ints, shape: [n]))
      }
      if let numbers = Self.numbers(cells) {
        return (columns[c], try NPYArray(float64: numbers, shape: [n]))
      }
      let bytes = Array(cells.map(Self.text).joined(separator: "\n").utf8)
      return (columns[c], try NPYArray(uint8: bytes, shape: [bytes.count]))
    }
  }

  private static func integers(_ cells: [Cell]) -> [Int]? {
    var out: [Int] = []
    for cell in cells {
      guard case .integer(let v) = cell else { return nil }
      out.append(v)
    }
    return out
  }

  private static func numbers(_ cells: [Cell]) -> [Double]? {
    var out: [Double] = []
    for cell in cells {
      switch cell {
      case .integer(let v): out.append(Double(v))
      case .number(let v): out.append(v)
      case .text: return nil
      }
    }
    return out
  }

  private static func text(_ cell: Cell) -> String {
    switch cell {
    case .integer(let v): return "\(v)"
    case .number(let v): return "\(v)"
    case .text(let s): return s
    }
  }

  private static func csvCell(_ cell: Cell) -> String {
    if case .text(let s) = cell { return quoted(s) }
    return text(cell)
  }

  private static func quoted(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return s
    }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

/// A value that is a table (training histories, sweeps, metric reports): `save` writes it as
/// .csv (the table) or .npz (one member per column, plus `npzExtras`).
protocol TabularObject: SavableObject {
  /// The table the file holds.
  var table: DataTable { get }
  /// Further .npz members (e.g. a report's reliability bins); none by default.
  func npzExtras() throws -> [(String, NPYArray)]
}

extension TabularObject {
  func npzExtras() throws -> [(String, NPYArray)] { [] }

  func save(to path: String) throws {
    if path.hasSuffix(".csv") {
      try TextFile.write(table.csv, to: path)
    } else if path.hasSuffix(".npz") {
      try NPZ.write(try table.npzMembers() + npzExtras(), to: path)
    } else {
      throw ShellError.failed(
        "a \(typeName) saves as .csv or .npz, not \(URL(fileURLWithPath: path).pathExtension)")
    }
  }
}

extension HistoryObject: TabularObject {
  var table: DataTable {
    DataTable(
      columns: ["epoch", "loss", "accuracy", "lr", "seconds", "images_per_second"],
      rows: records.map {
        [
          .integer($0.epoch + 1), .number($0.loss), .number($0.accuracy),
          .number(Double("\($0.learningRate)") ?? Double($0.learningRate)), .number($0.seconds),
          .number($0.imagesPerSecond),
        ]
      })
  }
}

extension SweepObject: TabularObject {
  var table: DataTable {
    DataTable(
      columns: ["r", "temperature", "masked_accuracy", "ece", "nll", "accuracy", "selected"],
      rows: result.rows.map {
        [
          .number($0.ratio), .number($0.temperature), .number($0.maskedAccuracy),
          .number($0.ece), .number($0.nll), .number($0.accuracy),
          .integer($0.ratio == result.selectedRatio ? 1 : 0),
        ]
      })
  }
}

extension ReportObject: TabularObject {
  /// metric, value: the summary `print` shows first.
  var table: DataTable {
    DataTable(
      columns: ["metric", "value"],
      rows: report.summary.map {
        let count = ["samples", "classes"].contains($0.metric)
        return [.text($0.metric), count ? .integer(Int($0.value)) : .number($0.value)]
      }
        + [[.text("direction"), .text(report.direction)]])
  }

  /// The reliability bins as columns `bin_lower` … `bin_gap`.
  func npzExtras() throws -> [(String, NPYArray)] {
    let bins = report.reliability.bins
    let n = bins.count
    return [
      ("bin_lower", try NPYArray(float64: bins.map(\.lower), shape: [n])),
      ("bin_upper", try NPYArray(float64: bins.map(\.upper), shape: [n])),
      ("bin_count", try NPYArray(int64: bins.map(\.count), shape: [n])),
      ("bin_confidence", try NPYArray(float64: bins.map(\.meanConfidence), shape: [n])),
      ("bin_accuracy", try NPYArray(float64: bins.map(\.accuracy), shape: [n])),
      ("bin_gap", try NPYArray(float64: bins.map(\.gap), shape: [n])),
    ]
  }
}

extension SetEvaluationObject: TabularObject {
  /// One row per trained network.
  var table: DataTable {
    DataTable(
      columns: ["network", "accuracy", "nll", "ece"],
      rows: rows.enumerated().map { i, row in
        [.integer(i + 1), .number(row.accuracy), .number(row.nll), .number(row.ece)]
      })
  }
}

extension MaxLogitObject: TabularObject {
  /// One row per statistic, one column per model or image set.
  var table: DataTable {
    guard let first = statistics.first else { return DataTable(columns: ["statistic"], rows: []) }
    return DataTable(
      columns: ["statistic"] + names,
      rows: first.summary.indices.map { i in
        [.text(first.summary[i].name)] + statistics.map { .number($0.summary[i].value) }
      })
  }
}

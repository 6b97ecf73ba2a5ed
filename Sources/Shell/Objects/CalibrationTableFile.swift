import Calibration
import Datasets
import Experiments
import Foundation
import TensorCore

/// Reads a calibration table written by `save t "t.npz"` (the layout of
/// `CalibrationTableObject.npzExtras`).
enum CalibrationTableFile {
  static func isTable(_ archive: NPZArchive) -> Bool { archive["ddcal.table"] != nil }

  static func read(_ archive: NPZArchive, path: String) throws -> CalibrationTableObject {
    func fail(_ message: String) -> ShellError { .io(path: path, message: message) }
    func text(_ name: String) throws -> [String] {
      guard case .uint8(let bytes) = try archive.array(named: name).elements else {
        throw fail("\(name) is not uint8 text")
      }
      return String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
    }
    func numbers(_ name: String) throws -> [Double] { try archive.array(named: name).doubles }
    let sets = try text("set")
    let methods = try text("method")
    let rowCount = sets.count
    guard methods.count == rowCount else { throw fail("set and method columns differ in length") }
    let ipc = try numbers("ipc")
    let r = try numbers("r")
    let v = try numbers("v")
    let over = try numbers("over_calibrated")
    let columns = try ["accuracy", "ece", "signed_ece", "nll", "temperature", "r"].map {
      try archive.array(named: "network.\($0)")
    }
    let models = columns[0].shape.count == 2 ? columns[0].shape[1] : 0
    let logits = try archive.array(named: "first.logits")
    let labels = try archive.array(named: "first.labels").integers ?? []
    guard [ipc.count, r.count, v.count, over.count].allSatisfy({ $0 == rowCount }),
      columns.allSatisfy({ $0.shape == [rowCount, models] }), models >= 1,
      logits.shape.count == 3, logits.shape[0] == rowCount, logits.shape[1] == labels.count
    else { throw fail("the table's columns do not agree in shape") }
    let (n, k) = (logits.shape[1], logits.shape[2])
    let raw = logits.doubles
    let values = columns.map(\.doubles)
    let firstTemperatures =
      archive["first.temperature"] == nil ? nil : try numbers("first.temperature")
    guard firstTemperatures.map({ $0.count == rowCount }) ?? true else {
      throw fail(
        "first.temperature has \(firstTemperatures?.count ?? 0) values for \(rowCount) rows")
    }
    var rows: [CalibrationRow] = []
    for i in 0..<rowCount {
      guard let method = CalibrationMethod(rawValue: methods[i]) else {
        throw fail("unknown method '\(methods[i])' in row \(i + 1)")
      }
      let cells = (0..<models).map { j -> CalibrationCell in
        let at = i * models + j
        return CalibrationCell(
          accuracy: values[0][at], ece: values[1][at], signedECE: values[2][at],
          nll: values[3][at], temperature: values[4][at],
          maskRatio: values[5][at].isNaN ? nil : values[5][at])
      }
      let first: LogitSet
      do {
        first = try LogitSet(
          logits: Array(raw[(i * n * k)..<((i + 1) * n * k)]), classCount: k, labels: labels,
          temperature: firstTemperatures?[i] ?? cells[0].temperature)
      } catch { throw fail("row \(i + 1): \(error)") }
      rows.append(
        CalibrationRow(
          set: sets[i], ipc: Int(ipc[i]), method: method, maskRatio: r[i].isNaN ? nil : r[i],
          validationFraction: v[i].isNaN ? nil : v[i], cells: cells, firstPredictions: first,
          overCalibrated: Int(over[i])))
    }
    let binning = try archive.array(named: "ddcal.binning").integers ?? []
    guard binning.count == 2, binning[0] >= 1 else { throw fail("malformed ddcal.binning") }
    let header = try text("ddcal.header")
    return CalibrationTableObject(
      CalibrationTable(
        rows: rows,
        binning: BinningOptions(
          binCount: binning[0], edgeRule: binning[1] == 1 ? .leftClosed : .rightClosed)),
      testName: header.first ?? "", settings: header.dropFirst().joined(separator: "\n"))
  }
}

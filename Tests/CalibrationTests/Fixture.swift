import Calibration
import Foundation
import TensorCore

/// Fixtures/calibration.json, written by Scripts/reference/calibration_reference.py.
struct CalibrationFixture: Decodable {
  struct Bin: Decodable {
    let lower: Double
    let upper: Double
    let count: Int
    let confidence: Double
    let accuracy: Double
    let gap: Double
  }

  struct Temperature: Decodable {
    let converged_temperature: Double
    let converged_gradient: Double
    let nll_at_1: Double
    let nll_at_converged: Double
    let parity_temperature: Double
    let parity_iterations: Int
    let parity_stop: String
    let parity_trace: [Double]
  }

  struct Case: Decodable {
    let name: String
    let classes: Int
    let logits: [Double]
    let labels: [Int]
    let accuracy: Double
    let nll: Double
    let brier: Double
    let adaptive_ece_15: Double
    let classwise_ece_15: Double
    let ece_15_right: Double
    let signed_ece_15_right: Double
    let mce_15_right: Double
    let ece_10_left: Double
    let signed_ece_10_left: Double
    let mce_10_left: Double
    let ece_15_left: Double
    let ece_10_right: Double
    let bins_15_right: [Bin]
    let bins_10_left: [Bin]
    let temperature: Temperature

    /// The logits as the Float32 array the script computed on.
    var logitArray: NDArray {
      NDArray(shape: [labels.count, classes], data: logits.map { Float($0) })
    }
  }

  let cases: [Case]

  /// Loads the fixture beside this file.
  static func load() throws -> CalibrationFixture {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/calibration.json")
    return try JSONDecoder().decode(CalibrationFixture.self, from: Data(contentsOf: url))
  }
}

/// |a − b| ≤ tolerance, or both equal.
func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
  a == b || abs(a - b) <= tolerance
}

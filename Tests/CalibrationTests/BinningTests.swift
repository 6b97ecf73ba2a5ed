import Calibration
import Foundation
import TensorCore
import Testing

@Suite struct BinningTests {
  @Test(arguments: [5, 10, 15, 20])
  func innerEdgesGoLeftOrRightByRule(binCount: Int) {
    let right = BinningOptions(binCount: binCount, edgeRule: .rightClosed)
    let left = BinningOptions(binCount: binCount, edgeRule: .leftClosed)
    for b in 1..<binCount {
      let edge = Double(b) / Double(binCount)
      #expect(right.binIndex(edge) == b - 1, "right-closed edge \(edge)")
      #expect(left.binIndex(edge) == b, "left-closed edge \(edge)")
      #expect(right.binIndex(edge.nextUp) == b && left.binIndex(edge.nextDown) == b - 1)
    }
    for rule in [right, left] {
      #expect(rule.binIndex(0) == 0 && rule.binIndex(1) == binCount - 1)
    }
  }

  /// Confidence exactly 0.5 (logits 0, 0, −100, −100; label 0, correct) and ≈ 0.452
  /// (logits 0.5, 0, 0, −100; label 1, wrong) in 10 bins: right-closed puts both into
  /// (0.4, 0.5]; left-closed splits them into [0.4, 0.5) and [0.5, 0.6).
  @Test func edgeRulesDifferExactlyAtABinEdge() throws {
    let logits = NDArray(shape: [2, 4], data: [0, 0, -100, -100, 0.5, 0, 0, -100])
    let p = try Predictions(logits: logits, labels: [0, 1])
    #expect(p.confidences[0] == 0.5)
    let other = p.confidences[1]
    #expect(other > 0.4 && other < 0.5)
    let right = p.reliability(BinningOptions(binCount: 10, edgeRule: .rightClosed))
    let left = p.reliability(BinningOptions(binCount: 10, edgeRule: .leftClosed))
    #expect(right.bins[4].count == 2 && right.bins[5].count == 0)
    #expect(left.bins[4].count == 1 && left.bins[5].count == 1)
    #expect(close(right.ece, abs((0.5 + other) / 2 - 0.5), 1e-15))
    #expect(close(left.ece, 0.5 * other + 0.5 * 0.5, 1e-15))
    #expect(right.ece != left.ece)
  }

  @Test func referenceCodeBinningIsTheForksCalcECE() {
    // calc_ece: bin = floor(conf · 100 // 10) clipped to 9.
    for conf in stride(from: 0.001, through: 1.0, by: 0.0137) {
      let fork = min(Int((conf * 100 / 10).rounded(.down)), 9)
      #expect(BinningOptions.referenceCode.binIndex(conf) == fork, "conf \(conf)")
    }
    #expect(BinningOptions.referenceCode.binIndex(1.0) == 9)
  }

  @Test func binCountIsValidated() {
    #expect(throws: CalibrationError.self) { try BinningOptions(binCount: 0).validate() }
    #expect(throws: Never.self) { try BinningOptions.guo.validate() }
  }

  @Test func histogramFollowsNumpyRules() throws {
    let h = Histogram(values: [0, 0.5, 1, 1.5, 2, 3], edges: [0, 1, 2])
    #expect(h.counts == [2, 3])  // 2 closes the last bin; 3 is outside
    #expect(h.centers == [0.5, 1.5])
    #expect(close(zip(h.density, [1.0, 1.0]).reduce(0) { $0 + $1.0 * $1.1 }, 1, 1e-12))
    #expect(
      try HistogramBinning.automatic(binCount: 4).edges(for: [2, 2]) == [1.5, 1.75, 2, 2.25, 2.5])
    #expect(throws: CalibrationError.self) { try HistogramBinning.edges([1, 1]).edges(for: []) }
    #expect(throws: CalibrationError.self) {
      try HistogramBinning.range(lower: 1, upper: 0, binCount: 3).edges(for: [])
    }
  }
}

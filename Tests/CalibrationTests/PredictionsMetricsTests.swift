import Calibration
import Foundation
import TensorCore
import Testing

/// Two-class Double logits whose class-0 probability is `p` exactly (up to rounding).
private func binaryLogits(_ probabilities: [Double]) -> [Double] {
  probabilities.flatMap { [log($0), log(1 - $0)] }
}

@Suite struct PredictionsMetricsTests {
  /// Largest |Swift − numpy| over every metric and bin of the fixture (each must be ≤ 1e-6).
  @Test func metricsMatchTheNumpyReference() throws {
    var worst = 0.0
    for c in try CalibrationFixture.load().cases {
      let p = try Predictions(logits: c.logitArray, labels: c.labels)
      let pairs: [(String, Double, Double)] = [
        ("accuracy", p.accuracy, c.accuracy), ("nll", p.nll, c.nll), ("brier", p.brier, c.brier),
        ("ece15r", p.ece(.guo), c.ece_15_right),
        ("signed15r", p.signedECE(.guo), c.signed_ece_15_right),
        ("mce15r", p.mce(.guo), c.mce_15_right),
        ("ece10l", p.ece(.referenceCode), c.ece_10_left),
        ("signed10l", p.signedECE(.referenceCode), c.signed_ece_10_left),
        ("mce10l", p.mce(.referenceCode), c.mce_10_left),
        ("ece15l", p.ece(BinningOptions(binCount: 15, edgeRule: .leftClosed)), c.ece_15_left),
        ("ece10r", p.ece(BinningOptions(binCount: 10, edgeRule: .rightClosed)), c.ece_10_right),
        ("adaptive", p.adaptiveECE(binCount: 15), c.adaptive_ece_15),
        ("classwise", p.classwiseECE(.guo), c.classwise_ece_15),
      ]
      for (name, got, want) in pairs {
        worst = max(worst, abs(got - want))
        #expect(close(got, want, 1e-6), "\(c.name) \(name): \(got) vs \(want)")
      }
      worst = max(worst, try compareBins(p.reliability(.guo), c.bins_15_right, c.name))
      worst = max(worst, try compareBins(p.reliability(.referenceCode), c.bins_10_left, c.name))
    }
    #expect(worst <= 1e-6, "worst deviation \(worst)")
  }

  private func compareBins(
    _ diagram: ReliabilityDiagram, _ bins: [CalibrationFixture.Bin], _ name: String
  ) throws -> Double {
    #expect(diagram.bins.count == bins.count)
    var worst = 0.0
    for (got, want) in zip(diagram.bins, bins) {
      #expect(got.count == want.count, "\(name) bin \(got.lower)")
      for (a, b) in [
        (got.lower, want.lower), (got.upper, want.upper), (got.meanConfidence, want.confidence),
        (got.accuracy, want.accuracy), (got.gap, want.gap),
      ] {
        worst = max(worst, abs(a - b))
        #expect(close(a, b, 1e-6), "\(name) bin \(got.lower): \(a) vs \(b)")
      }
    }
    return worst
  }

  /// Confidences 0.85 (right), 0.85 (wrong), 0.72 (right), 0.55 (wrong) in 10 bins:
  /// bin 8 has conf 0.85, acc 0.5; bin 7 has 0.72 vs 1; bin 5 has 0.55 vs 0.
  @Test func handComputedExample() throws {
    let p = try Predictions(
      logits: binaryLogits([0.85, 0.85, 0.72, 0.55]), classCount: 2, labels: [0, 1, 0, 1])
    let expectedECE = 2.0 / 4 * 0.35 + 1.0 / 4 * 0.28 + 1.0 / 4 * 0.55
    #expect(close(p.ece(.referenceCode), expectedECE, 1e-12))
    #expect(close(p.ece(.guo), expectedECE, 1e-12))
    #expect(close(p.signedECE(.referenceCode), 0.175 - 0.07 + 0.1375, 1e-12))
    #expect(close(p.mce(.referenceCode), 0.55, 1e-12))
    #expect(p.accuracy == 0.5)
    let brier = (0.045 + 1.445 + 2 * 0.28 * 0.28 + 2 * 0.55 * 0.55) / 4
    #expect(close(p.brier, brier, 1e-12))
    #expect(close(p.nll, -(log(0.85) + log(0.15) + log(0.72) + log(0.45)) / 4, 1e-12))
    let bins = p.reliability(.referenceCode).bins
    #expect(bins.map(\.count) == [0, 0, 0, 0, 0, 1, 0, 1, 2, 0])
    #expect(close(bins[8].gap, 0.35, 1e-12) && close(bins[7].gap, -0.28, 1e-12))
  }

  @Test func signedGapTellsOverFromUnderConfidence() throws {
    // Always right at confidence 0.6: under-confident; always wrong at 0.9: over-confident.
    let under = try Predictions(logits: binaryLogits([0.6, 0.6]), classCount: 2, labels: [0, 0])
    let over = try Predictions(logits: binaryLogits([0.9, 0.9]), classCount: 2, labels: [1, 1])
    #expect(close(under.signedECE(), -0.4, 1e-12) && close(under.ece(), 0.4, 1e-12))
    #expect(close(over.signedECE(), 0.9, 1e-12) && close(over.ece(), 0.9, 1e-12))
    #expect(try under.report().direction == "under-confident")
    #expect(try over.report().direction == "over-confident")
  }

  @Test func reportCollectsEveryMetric() throws {
    let c = try #require(try CalibrationFixture.load().cases.first)
    let p = try Predictions(logits: c.logitArray, labels: c.labels)
    let report = try p.report(.referenceCode)
    #expect(report.ece == p.ece(.referenceCode) && report.mce == p.mce(.referenceCode))
    #expect(report.classwiseECE == p.classwiseECE(.referenceCode))
    #expect(report.adaptiveECE == p.adaptiveECE(binCount: 10))
    #expect(report.sampleCount == c.labels.count && report.classCount == c.classes)
    #expect(report.summary.count == 11 && report.reliability.rows.count == 10)
    #expect(report.binning == .referenceCode)
  }

  @Test func temperatureDividesTheLogits() throws {
    let z = NDArray(shape: [2, 3], data: [2, 0, -2, 1, 3, 0])
    let scaled = try Predictions(logits: z * 0.5, labels: [0, 1])
    let tempered = try Predictions(logits: z, labels: [0, 1], temperature: 2)
    for (a, b) in zip(scaled.logProbabilities, tempered.logProbabilities) {
      #expect(close(a, b, 1e-12))
    }
    #expect(scaled.predictedClasses == tempered.predictedClasses)
  }

  @Test func badInputIsRejected() {
    let z = NDArray(shape: [2, 2], data: [1, 0, 0, 1])
    #expect(throws: CalibrationError.labelCount(labels: 1, rows: 2)) {
      try Predictions(logits: z, labels: [0])
    }
    #expect(throws: CalibrationError.labelOutOfRange(index: 1, label: 2, classCount: 2)) {
      try Predictions(logits: z, labels: [0, 2])
    }
    #expect(throws: CalibrationError.nonFiniteLogits(row: 1)) {
      try Predictions(logits: NDArray(shape: [2, 2], data: [1, 0, .nan, 1]), labels: [0, 1])
    }
    #expect(throws: CalibrationError.logitsShape([2, 1])) {
      try Predictions(logits: NDArray(shape: [2, 1], data: [1, 0]), labels: [0, 0])
    }
    #expect(throws: CalibrationError.self) {
      try Predictions(logits: z, labels: [0, 1], temperature: 0)
    }
    #expect(throws: CalibrationError.self) {
      try Predictions(logits: z, labels: [0, 1]).report(BinningOptions(binCount: 0))
    }
  }
}

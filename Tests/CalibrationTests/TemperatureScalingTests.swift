import Calibration
import Foundation
import TensorCore
import Testing

/// N rows of K "true" logits ~ N(0, 1.5²), labels drawn from softmax(true), returned as
/// (true logits × scale, labels): the NLL-optimal temperature is ≈ scale.
private func overconfidentLogits(rows: Int, classes: Int, scale: Float, seed: UInt64)
  -> (NDArray, [Int])
{
  var rng = RandomStream(seed: seed)
  let truth = rng.normal(rows * classes, std: 1.5)
  var labels: [Int] = []
  for row in 0..<rows {
    let z = truth[(row * classes)..<((row + 1) * classes)].map(Double.init)
    let top = z.max() ?? 0
    let weights = z.map { exp($0 - top) }
    var u = rng.nextDouble() * weights.reduce(0, +)
    var label = classes - 1
    for (k, w) in weights.enumerated() {
      if u < w {
        label = k
        break
      }
      u -= w
    }
    labels.append(label)
  }
  return (NDArray(shape: [rows, classes], data: truth.map { $0 * scale }), labels)
}

@Suite struct TemperatureScalingTests {
  @Test func convergedFitMatchesScipy() throws {
    for c in try CalibrationFixture.load().cases {
      let fit = try TemperatureScaling.fit(logits: c.logitArray, labels: c.labels)
      let want = c.temperature.converged_temperature
      #expect(
        abs(fit.temperature - want) <= 1e-6 * want, "\(c.name): \(fit.temperature) vs \(want)")
      #expect(fit.stop == .converged && abs(fit.gradient) < 1e-8, "\(c.name): \(fit)")
      #expect(close(fit.nllAfter, c.temperature.nll_at_converged, 1e-9))
      #expect(close(fit.nllBefore, c.temperature.nll_at_1, 1e-9))
      #expect(fit.iterations < 30)
    }
  }

  @Test func parityModeMatchesTheTorchLBFGSTranscription() throws {
    for c in try CalibrationFixture.load().cases {
      let fit = try TemperatureScaling.fit(
        logits: c.logitArray, labels: c.labels, options: TemperatureFitOptions(method: .parity))
      let want = c.temperature.parity_temperature
      #expect(abs(fit.temperature - want) <= 1e-5, "\(c.name): \(fit.temperature) vs \(want)")
      #expect(fit.iterations == c.temperature.parity_iterations)
      #expect(c.temperature.parity_stop == "max_iter" && fit.stop == .iterationLimit)
      for (got, expected) in zip(fit.trace, c.temperature.parity_trace) {
        #expect(abs(got - expected) <= 1e-5)
      }
      // The reference loop is under-converged: it stops short of the optimum.
      let optimum = c.temperature.converged_temperature
      #expect(abs(fit.temperature - optimum) > 0.05)
      #expect(abs(fit.temperature - 1.5) < abs(optimum - 1.5))
    }
  }

  @Test func recoversAKnownTemperature() throws {
    let (logits, labels) = overconfidentLogits(rows: 4000, classes: 5, scale: 3, seed: 42)
    let fit = try TemperatureScaling.fit(logits: logits, labels: labels)
    #expect(abs(fit.temperature - 3) < 0.15, "T = \(fit.temperature)")
    #expect(fit.nllAfter < fit.nllBefore)
    let before = try Predictions(logits: logits, labels: labels)
    let after = try Predictions(logits: logits, labels: labels, temperature: fit.temperature)
    #expect(after.ece() < 0.5 * before.ece())
    #expect(before.signedECE() > 0.05)
  }

  @Test func scalingNeverChangesAccuracy() throws {
    let (logits, labels) = overconfidentLogits(rows: 500, classes: 7, scale: 2, seed: 9)
    let before = try Predictions(logits: logits, labels: labels)
    for method in TemperatureFitMethod.allCases {
      let fit = try TemperatureScaling.fit(
        logits: logits, labels: labels, options: TemperatureFitOptions(method: method))
      let after = try Predictions(logits: logits, labels: labels, temperature: fit.temperature)
      #expect(after.predictedClasses == before.predictedClasses)
      #expect(after.accuracy == before.accuracy)
    }
  }

  /// Logits that classify every sample correctly: the NLL keeps falling as T → 0.
  @Test func separableLogitsDriveTemperatureToTheLowerBound() throws {
    let logits = NDArray(shape: [3, 2], data: [2, 0, 0, 1, 3, -1])
    let fit = try TemperatureScaling.fit(logits: logits, labels: [0, 1, 0])
    #expect(fit.stop == .lowerBound)
    #expect(fit.temperature == 1e-4)
  }

  @Test func uninformativeLogitsDriveTemperatureToTheUpperBound() throws {
    // Both rows predict the wrong class: the best probabilities are uniform, T → ∞.
    let logits = NDArray(shape: [2, 2], data: [1, 0, 0, 1])
    let fit = try TemperatureScaling.fit(logits: logits, labels: [1, 0])
    #expect(fit.stop == .upperBound && fit.temperature == 1e4)
  }

  @Test func badOptionsAndInputsAreRejected() {
    let logits = NDArray(shape: [2, 2], data: [1, 0, 0, 1])
    var options = TemperatureFitOptions()
    options.bounds = 2...5
    #expect(throws: CalibrationError.self) {
      try TemperatureScaling.fit(logits: logits, labels: [0, 1], options: options)
    }
    #expect(throws: CalibrationError.labelCount(labels: 3, rows: 2)) {
      try TemperatureScaling.fit(logits: logits, labels: [0, 1, 1])
    }
    #expect(throws: CalibrationError.empty(what: "the logit set")) {
      try TemperatureScaling.fit(logits: NDArray.zeros([0, 2]), labels: [])
    }
  }
}

import Calibration
import Datasets
import Foundation
import TensorCore
import Testing

/// Fixtures/logits/reference.json and the .npy files beside it, written by
/// Scripts/reference/logits_reference.py (numpy + scipy, float64).
struct LogitsReference: Decodable {
  struct Binned: Decodable {
    let ece: Double
    let signed_ece: Double
    let mce: Double
    let counts: [Int]
  }

  struct Metrics: Decodable {
    let accuracy: Double
    let nll: Double
    let brier: Double
    let adaptive_ece_15: Double
    let classwise_ece_15: Double
    let binned: [String: Binned]

    enum Key: String, CodingKey {
      case accuracy, nll, brier, adaptive_ece_15, classwise_ece_15
    }

    init(from decoder: Decoder) throws {
      let c = try decoder.container(keyedBy: Key.self)
      accuracy = try c.decode(Double.self, forKey: .accuracy)
      nll = try c.decode(Double.self, forKey: .nll)
      brier = try c.decode(Double.self, forKey: .brier)
      adaptive_ece_15 = try c.decode(Double.self, forKey: .adaptive_ece_15)
      classwise_ece_15 = try c.decode(Double.self, forKey: .classwise_ece_15)
      let all = try decoder.container(keyedBy: AnyKey.self)
      var binned: [String: Binned] = [:]
      for key in all.allKeys where key.stringValue.contains("_") && key.stringValue.first!.isNumber
      {
        binned[key.stringValue] = try all.decode(Binned.self, forKey: key)
      }
      self.binned = binned
    }
  }

  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  let float64: Metrics
  let float32: Metrics
  let edges: Metrics
  let temperature_float64: Double
  let temperature_float32: Double
  let temperature_validation: Double
  let test_at_validation_temperature: Metrics

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/logits")

  static func load() throws -> LogitsReference {
    let data = try Data(contentsOf: directory.appendingPathComponent("reference.json"))
    return try JSONDecoder().decode(LogitsReference.self, from: data)
  }

  /// The fixture `name`.npy.
  static func array(_ name: String) throws -> NPYArray {
    try NPY.read(directory.appendingPathComponent(name + ".npy").path)
  }

  /// Logits file + labels file as a LogitSet, read as any user's files would be.
  static func logitSet(_ logits: String, _ labels: String) throws -> LogitSet {
    let z = try array(logits)
    return try LogitSet(
      logits: z.doubles, classCount: z.shape[1],
      labels: try Dataset.labels(from: array(labels)).labels)
  }
}

/// The binnings the reference computes: "10_right" → 10 bins (lo, hi].
private func binning(_ key: String) -> BinningOptions {
  let parts = key.split(separator: "_")
  return BinningOptions(
    binCount: Int(parts[0]) ?? 0, edgeRule: parts[1] == "right" ? .rightClosed : .leftClosed)
}

/// Every metric of `p` against the reference, to `tolerance` (absolute); bin counts exactly.
private func expectMatches(
  _ p: Predictions, _ m: LogitsReference.Metrics, tolerance: Double, _ what: String
) {
  let pairs: [(String, Double, Double)] = [
    ("accuracy", p.accuracy, m.accuracy), ("nll", p.nll, m.nll), ("brier", p.brier, m.brier),
    ("adaptive", p.adaptiveECE(binCount: 15), m.adaptive_ece_15),
    ("classwise", p.classwiseECE(.guo), m.classwise_ece_15),
  ]
  for (name, got, want) in pairs {
    #expect(abs(got - want) <= tolerance, "\(what) \(name): \(got) vs \(want)")
  }
  #expect(m.binned.count == 4)
  for (key, want) in m.binned {
    let diagram = p.reliability(binning(key))
    #expect(diagram.bins.map(\.count) == want.counts, "\(what) \(key) bin counts")
    #expect(abs(diagram.ece - want.ece) <= tolerance, "\(what) \(key) ece")
    #expect(abs(diagram.signedECE - want.signed_ece) <= tolerance, "\(what) \(key) signed")
    #expect(abs(diagram.mce - want.mce) <= tolerance, "\(what) \(key) mce")
  }
}

@Suite struct LogitSetTests {
  @Test func float64FilesMatchNumpyTo1e12() throws {
    let reference = try LogitsReference.load()
    let set = try LogitsReference.logitSet("logits_f64", "labels")
    #expect(set.count == 2000 && set.classCount == 10)
    expectMatches(set.predictions(), reference.float64, tolerance: 1e-12, "float64")
  }

  @Test func float32FilesMatchNumpyOnTheWidenedLogits() throws {
    let reference = try LogitsReference.load()
    let set = try LogitsReference.logitSet("logits_f32", "labels")
    expectMatches(set.predictions(), reference.float32, tolerance: 1e-12, "float32")
  }

  @Test func oneHotLabelsGiveTheSameSet() throws {
    #expect(
      try LogitsReference.logitSet("logits_f64", "labels_onehot")
        == LogitsReference.logitSet("logits_f64", "labels"))
  }

  @Test func convergedTemperatureMatchesScipyTo1e8() throws {
    let reference = try LogitsReference.load()
    for (logits, want) in [
      ("logits_f64", reference.temperature_float64), ("logits_f32", reference.temperature_float32),
    ] {
      let fit = try LogitsReference.logitSet(logits, "labels").fitTemperature()
      #expect(fit.stop == .converged)
      #expect(abs(fit.temperature / want - 1) <= 1e-8, "\(logits): \(fit.temperature) vs \(want)")
    }
  }

  @Test func temperatureFittedOnValidationRescoresTheTestSet() throws {
    let reference = try LogitsReference.load()
    let fit = try LogitsReference.logitSet("val_logits", "val_labels").fitTemperature()
    #expect(abs(fit.temperature / reference.temperature_validation - 1) <= 1e-8)
    let test = try LogitsReference.logitSet("logits_f64", "labels")
    let scaled = try test.rescaled(to: fit.temperature)
    #expect(scaled.logits == test.logits && scaled.temperature == fit.temperature)
    // T agrees to ~1e-12 relative, so the metrics of z / T agree to well below 1e-9.
    expectMatches(
      scaled.predictions(), reference.test_at_validation_temperature, tolerance: 1e-9, "scaled")
  }

  /// Confidences of exactly 1/k (k tied top logits) sit on bin edges b / B; they must fall
  /// where numpy's softmax puts them under both edge rules.
  @Test func confidencesOnBinEdgesLandWhereNumpyPutsThem() throws {
    let reference = try LogitsReference.load()
    let set = try LogitsReference.logitSet("edges_logits", "edges_labels")
    let p = set.predictions()
    // Σ exp(z − max) per row: k tied rows sum to k, the [0, 0, −log 2] rows to 2.5.
    let sums = (0..<set.count).map { row in
      let z = set.logits[(row * 10)..<(row * 10 + 10)]
      let top = z.max() ?? 0
      return z.filter { $0 > -1000 }.reduce(0.0) { $0 + exp($1 - top) }
    }
    #expect(sums.contains(2.5) && sums.contains(10))
    #expect(p.confidences == sums.map { 1 / $0 })
    #expect(p.confidences.contains(0.4) && p.confidences.contains(0.1))
    expectMatches(p, reference.edges, tolerance: 1e-12, "edges")
  }

  @Test func rescalingKeepsLogitsAndRejectsBadTemperatures() throws {
    let set = try LogitSet(logits: [2, 0, 0, 1], classCount: 2, labels: [0, 1])
    #expect(set.maxLogits == [2, 1])
    #expect(try set.rescaled(to: 2).predictions().confidences[0] == 1 / (1 + exp(-1.0)))
    for bad in [0.0, -1, .infinity, .nan] {
      #expect(throws: CalibrationError.self) { _ = try set.rescaled(to: bad) }
    }
    #expect(throws: CalibrationError.nonFiniteLogits(row: 1)) {
      _ = try LogitSet(logits: [0, 1, .nan, 0], classCount: 2, labels: [0, 1])
    }
    #expect(throws: CalibrationError.labelOutOfRange(index: 1, label: 2, classCount: 2)) {
      _ = try LogitSet(logits: [0, 1, 1, 0], classCount: 2, labels: [0, 2])
    }
  }

  /// numpy.array_split(order, 3) of 7 rows gives runs of 3, 2, 2 (not ⌊bN/B⌋'s 2, 2, 3).
  @Test func adaptiveBinsFollowArraySplit() throws {
    // Confidences rise with the row; rows 0–2 wrong, 3–6 right.
    let confidences = [0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9]
    let logits = confidences.flatMap { [log($0), log(1 - $0)] }
    let p = try Predictions(logits: logits, classCount: 2, labels: [1, 1, 1, 0, 0, 0, 0])
    let runs = [[0, 1, 2], [3, 4], [5, 6]]
    let want = runs.reduce(0.0) { total, run in
      let conf = run.reduce(0.0) { $0 + p.confidences[$1] } / Double(run.count)
      let acc = run.allSatisfy { $0 >= 3 } ? 1.0 : 0.0
      return total + Double(run.count) / 7 * abs(conf - acc)
    }
    #expect(abs(p.adaptiveECE(binCount: 3) - want) < 1e-15)
  }
}

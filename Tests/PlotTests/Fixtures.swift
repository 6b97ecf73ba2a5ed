import Foundation
import TensorCore

@testable import Plot

/// Fixed, paper-like data for every figure type (used by the golden tests and the example
/// figures). Everything derives from `TestRandom` seeds, so it never changes.
enum Fixtures {
  // MARK: - Fig. 1: reliability diagrams

  /// Ten equal bins with the given counts; accuracy = clamp(confidence + offset(bin)).
  static func reliability(
    _ title: String, counts: [Int], offset: (Int) -> Double
  ) -> ReliabilityPanel {
    let bins = counts.indices.map { i -> ConfidenceBin in
      let lower = Double(i) / 10
      let confidence = lower + 0.06
      let accuracy = counts[i] == 0 ? 0 : min(max(confidence + offset(i), 0), 1)
      return ConfidenceBin(
        lower: lower, upper: lower + 0.1, count: counts[i], meanConfidence: confidence,
        accuracy: accuracy)
    }
    let total = Double(counts.reduce(0, +))
    let ece = bins.reduce(0) {
      $0 + Double($1.count) / total * abs($1.accuracy - $1.meanConfidence)
    }
    return ReliabilityPanel(title: title, bins: bins, ece: ece)
  }

  /// Raw DDNN (over-confident), mixup and label smoothing (under-confident), and MTS.
  static var reliabilityPanels: [ReliabilityPanel] {
    let confident = [0, 0, 4, 15, 40, 80, 140, 260, 520, 2900]
    let spread = [0, 6, 45, 190, 430, 690, 880, 560, 160, 40]
    let low = [0, 30, 420, 1450, 1300, 520, 190, 60, 10, 2]
    var random = TestRandom(seed: 7)
    let jitter = (0..<10).map { _ in (random.uniform() - 0.5) * 0.025 }
    return [
      reliability("Raw", counts: confident) { -0.025 - 0.006 * Double($0) },
      reliability("Mixup", counts: spread) { 0.14 + 0.004 * Double($0) },
      reliability("Label smoothing", counts: low) { _ in 0.27 },
      reliability("MTS (ours)", counts: confident) { jitter[$0] },
    ]
  }

  // MARK: - Fig. 2a: max-logit histograms

  /// Max logits of a full-data network (dispersed) and a distilled-data one (concentrated).
  static var maxLogits: HistogramPanel {
    var random = TestRandom(seed: 11)
    let full = (0..<2000).map { _ in 9 + 3.1 * random.normal() }
    let distilled = (0..<2000).map { _ in 15.5 + 1.3 * random.normal() }
    return HistogramPanel(samples: [
      HistogramSample("Full data (FDNN)", values: full, color: Color(hex: 0x0072B2)),
      HistogramSample("Distilled data (DDNN)", values: distilled, color: Color(hex: 0xD55E00)),
    ])
  }

  // MARK: - Fig. 3: accuracy against dropped singular values

  static var droppedSingularValues: LinePanel {
    var random = TestRandom(seed: 3)
    let fraction = stride(from: 0.0, through: 20, by: 2).map { $0 }
    func series(_ label: String, start: Double, slope: Double, std: Double) -> LineData {
      let y = fraction.map { start - slope * $0 - 0.004 * slope * $0 * $0 + random.normal() * 0.3 }
      return LineData(label, x: fraction, y: y, std: fraction.map { std + 0.02 * $0 })
    }
    return LinePanel(
      title: "CIFAR-10", xLabel: "Dropped singular values (%)", yLabel: "Test accuracy (%)",
      series: [
        series("Full data", start: 84.5, slope: 0.08, std: 0.4),
        series("IPC = 50", start: 71, slope: 0.9, std: 0.6),
        series("IPC = 30", start: 67.5, slope: 1.15, std: 0.7),
        series("IPC = 10", start: 61, slope: 1.5, std: 0.8),
      ])
  }

  // MARK: - Fig. 4: t-SNE scatter maps

  static let cifarClasses = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]

  /// Ten Gaussian blobs around a circle of radius `radius`, each point with spread `spread`.
  static func embedding(
    _ title: String, radius: Double, spread: Double, seed: UInt64
  )
    -> ScatterPanel
  {
    var random = TestRandom(seed: seed)
    var x: [Double] = []
    var y: [Double] = []
    var labels: [Int] = []
    for i in 0..<600 {
      let k = i % 10
      let angle = Double(k) / 10 * 2 * Double.pi + 0.3 * random.normal() * spread / radius
      let r = radius * (0.8 + 0.4 * random.uniform())
      x.append(r * cos(angle) + spread * random.normal())
      y.append(r * sin(angle) + spread * random.normal())
      labels.append(k)
    }
    return ScatterPanel(title: title, x: x, y: y, labels: labels)
  }

  static var embeddings: [ScatterPanel] {
    [
      embedding("Full data · conv2", radius: 10, spread: 9, seed: 21),
      embedding("Full data · fc", radius: 30, spread: 5, seed: 22),
      embedding("Distilled · conv2", radius: 25, spread: 4, seed: 23),
      embedding("Distilled · fc", radius: 14, spread: 1.6, seed: 24),
    ]
  }

  // MARK: - Images

  static let shapeClasses = ["disc", "ring", "square", "cross", "stripes"]

  /// `perClass` noisy 28 × 28 grey drawings of each shape class: [N, 1, 28, 28].
  static func shapes(perClass: Int, seed: UInt64 = 5) -> (images: NDArray, labels: [Int]) {
    var random = TestRandom(seed: seed)
    var data: [Float] = []
    var labels: [Int] = []
    for k in shapeClasses.indices {
      for _ in 0..<perClass {
        let cx = 14 + 4 * (random.uniform() - 0.5)
        let cy = 14 + 4 * (random.uniform() - 0.5)
        let size = 6 + 4 * random.uniform()
        for y in 0..<28 {
          for x in 0..<28 {
            let dx = Double(x) - cx
            let dy = Double(y) - cy
            let inside = shape(k, dx: dx, dy: dy, size: size)
            data.append(Float((inside ? 0.9 : 0.1) + 0.12 * random.normal()))
          }
        }
        labels.append(k)
      }
    }
    return (NDArray(shape: [labels.count, 1, 28, 28], data: data), labels)
  }

  static func shape(_ k: Int, dx: Double, dy: Double, size: Double) -> Bool {
    let r = (dx * dx + dy * dy).squareRoot()
    switch k {
    case 0: return r < size
    case 1: return abs(r - size) < 1.6
    case 2: return abs(dx) < size * 0.85 && abs(dy) < size * 0.85
    case 3: return (abs(dx) < 1.8 || abs(dy) < 1.8) && max(abs(dx), abs(dy)) < size * 1.1
    default: return Int((dx + 40) / 2.5) % 2 == 0 && abs(dy) < size * 1.1
    }
  }

  /// Four 8 × 8 RGB images, each one flat unique colour: [4, 3, 8, 8] in [0, 1].
  static var flatColours: (images: NDArray, labels: [Int], colours: [Color]) {
    let colours = [0xCC3311, 0x0077BB, 0x009988, 0xEE7733].map { Color(hex: $0) }
    var data: [Float] = []
    for colour in colours {
      for channel in [colour.red, colour.green, colour.blue] {
        data += [Float](repeating: Float(channel), count: 64)
      }
    }
    return (NDArray(shape: [4, 3, 8, 8], data: data), [0, 0, 1, 1], colours)
  }

  // MARK: - Training curves

  static var trainingRuns: [TrainingRun] {
    let epochs = (1...60).map(Double.init)
    return [
      TrainingRun(
        "full data", epochs: epochs, trainLoss: epochs.map { 1.9 * exp(-$0 / 12) + 0.15 },
        testLoss: epochs.map { 1.9 * exp(-$0 / 14) + 0.48 },
        trainAccuracy: epochs.map { 0.95 - 0.75 * exp(-$0 / 10) },
        testAccuracy: epochs.map { 0.84 - 0.64 * exp(-$0 / 11) }),
      TrainingRun(
        "distilled (IPC = 10)", epochs: epochs, trainLoss: epochs.map { 2.2 * exp(-$0 / 5) + 0.01 },
        testLoss: epochs.map { 1.6 * exp(-$0 / 7) + 1.05 },
        trainAccuracy: epochs.map { 1 - 0.85 * exp(-$0 / 4) },
        testAccuracy: epochs.map { 0.66 - 0.5 * exp(-$0 / 6) }),
    ]
  }
}

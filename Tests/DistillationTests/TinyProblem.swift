import Datasets
import Foundation
import NN
import TensorCore
import Testing

@testable import Distillation

/// A 3-class problem of 2×8×8 images whose classes differ in mean brightness pattern, small
/// enough for every backbone to run a few iterations in a test.
enum TinyProblem {
  static let network = ConvNetConfig(
    channels: 2, height: 8, width: 8, classes: 3, depth: 1, netWidth: 4)

  static func source(perClass: Int = 12, seed: UInt64 = 5) -> Dataset {
    var rng = RandomStream(seed: seed)
    var pixels: [Float] = []
    var labels: [Int] = []
    for c in 0..<3 {
      for _ in 0..<perClass {
        let noise = rng.normal(128, std: 0.5)
        for i in 0..<128 {
          let row = (i % 64) / 8
          pixels.append(noise[i] + (row % 3 == c ? 1 : -0.5))
        }
        labels.append(c)
      }
    }
    return try! Dataset(
      name: "tiny", images: NDArray(shape: [3 * perClass, 2, 8, 8], data: pixels), labels: labels,
      classCount: 3)
  }

  static func options(_ method: DistillMethod, iterations: Int = 3) -> DistillationOptions {
    var o = DistillationOptions(method: method, imagesPerClass: 2, network: network)
    o.iterations = iterations
    o.realBatch = 8
    o.outerLoop = 2
    o.innerLoop = 1
    o.syntheticSteps = 3
    o.expertEpochs = 1
    o.maxStartEpoch = 2
    o.seed = 3
    if method == .mtt { o.imageLearningRate = 10 }
    if method == .dc || method == .dsa { o.imageLearningRate = 1 }
    if method == .edd {
      o.edd.poolEpochs = 2
      o.edd.networkImages = 8
      o.realBatch = 4
      o.imageLearningRate = 0.5
    }
    if method == .rtp {
      // Budget 2 images per class of 2×8×8 with 4 bases of 2×4×4: 53 addresses per class.
      (o.bases, o.downsample, o.syntheticBatch, o.studentChunk) = (4, 2, 4, 8)
      (o.networkLearningRate, o.imageLearningRate, o.syntheticSteps) = (0.1, 3, 6)
    }
    return o
  }

  /// Two experts of 3 epochs on the tiny source, in a fresh temporary directory.
  static func experts() throws -> ExpertBuffer {
    let directory = temporaryPath("experts")
    var options = ExpertOptions(
      count: 2, epochs: 3, network: network, learningRate: 0.05, batchSize: 8)
    options.seed = 1
    return try ExpertTraining.train(options, data: source(), directory: directory)
  }

  /// The running test's scratch directory (see `ScratchDirectory`).
  @TaskLocal static var scratch: URL?

  /// A fresh path called `name` inside the running test's scratch directory, which is
  /// removed when the test ends; suites that write files carry the `.scratchDirectory` trait.
  static func temporaryPath(_ name: String) -> String {
    guard let scratch else {
      Issue.record("temporaryPath needs a test with the .scratchDirectory trait")
      return "/nonexistent/\(name)"
    }
    let dir = scratch.appendingPathComponent(UUID().uuidString)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
  }
}

/// Gives each test of a suite a scratch directory (`TinyProblem.scratch`) and removes it
/// when the test ends, whatever the test wrote there.
struct ScratchDirectory: SuiteTrait, TestTrait, TestScoping {
  var isRecursive: Bool { true }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: () async throws -> Void
  ) async throws {
    guard !test.isSuite else { return try await function() }
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("ddcal-distill-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await TinyProblem.$scratch.withValue(directory) { try await function() }
  }
}

extension Trait where Self == ScratchDirectory {
  /// Each test gets a scratch directory, removed afterwards.
  static var scratchDirectory: Self { ScratchDirectory() }
}

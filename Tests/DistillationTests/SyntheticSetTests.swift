import Datasets
import Foundation
import NN
import TensorCore
import Testing

@testable import Distillation

@Suite(.scratchDirectory) struct SyntheticSetTests {
  @Test func realInitialisationSamplesEachClass() throws {
    var rng = RandomStream(seed: 1)
    let source = TinyProblem.source()
    let set = try SyntheticSet.initialize(
      from: source, imagesPerClass: 3, initialization: .real, rng: &rng)
    #expect(set.labels == [0, 0, 0, 1, 1, 1, 2, 2, 2])
    #expect(set.classCount == 3)
    #expect(set.rows(ofClass: 1) == 3..<6)
    // Every synthetic image is one of its class's real images.
    for (i, label) in set.labels.enumerated() {
      let image = set.images.gatherRows([i])
      let matches = source.indices(ofClass: label).filter {
        source.images.gatherRows([$0]) == image
      }
      #expect(matches.count == 1)
    }
    #expect(throws: (any Error).self) {
      try SyntheticSet.initialize(
        from: source, imagesPerClass: 13, initialization: .real, rng: &rng)
    }
  }

  @Test func savesAndLoadsWithItsSettings() throws {
    var rng = RandomStream(seed: 2)
    var set = try SyntheticSet.initialize(
      from: TinyProblem.source(), imagesPerClass: 2, initialization: .noise, rng: &rng)
    set.learningRate = 0.0125
    set.iteration = 7
    set.settings = TinyProblem.options(.mtt).settings
    let path = TinyProblem.temporaryPath("set.npz")
    try set.save(to: path)
    let loaded = try SyntheticSet.load(path: path)
    #expect(loaded == set)
    #expect(try DistillationOptions(settings: loaded.settings) == TinyProblem.options(.mtt))
    // The file is an ordinary dataset archive too.
    let dataset = try Dataset(npz: try NPZ.read(path), name: "x")
    #expect(dataset.count == 6)
  }

  @Test func optionSettingsRoundTrip() throws {
    var options = TinyProblem.options(.dsa)
    options.mask = .dynamic(minimum: 0, maximum: 0.1)
    options.syntheticBatch = 4
    options.expertDirectory = "/tmp/experts dir"
    options.checkpointPath = "a=b.npz"
    #expect(try DistillationOptions(settings: options.settings) == options)
    #expect(throws: DistillationError.self) { try DistillationOptions(settings: ["method=dm"]) }
  }

  @Test func referenceLoops() {
    #expect(DistillationOptions.loops(imagesPerClass: 1) == (1, 1))
    #expect(DistillationOptions.loops(imagesPerClass: 10) == (10, 50))
    #expect(DistillationOptions.loops(imagesPerClass: 50) == (50, 10))
  }

  @Test func malformedFilesAreClearErrors() throws {
    let path = TinyProblem.temporaryPath("plain.npz")
    try NPZ.write([("images", NPYArray(NDArray.zeros([2, 2, 8, 8])))], to: path)
    #expect(throws: DistillationError.self) { try SyntheticSet.load(path: path) }
    #expect(throws: (any Error).self) {
      try DistillationState.load(path: path, options: TinyProblem.options(.dm))
    }
    #expect(throws: DistillationError.self) {
      try ExpertBuffer.load(directory: TinyProblem.temporaryPath("none"))
    }
  }
}

@Suite struct SyntheticEvaluationTests {
  @Test func trainsFreshNetworksAndReportsTestAccuracy() throws {
    let source = TinyProblem.source()
    var rng = RandomStream(seed: 4)
    let train = try source.samplePerClass(4, rng: &rng)
    let protocolRun = SyntheticEvaluation(
      models: 2, epochs: 20, learningRate: 0.05, augmentation: "none", network: TinyProblem.network,
      seed: 1)
    let trials = try protocolRun.run(train: train, test: source)
    #expect(trials.count == 2)
    let (mean, std) = SyntheticEvaluation.summary(trials)
    #expect(mean > 0.6, "separable classes: \(mean)")
    #expect(std >= 0)
    let again = try protocolRun.run(train: train, test: source)
    #expect(again.map(\.test.accuracy) == trials.map(\.test.accuracy))
  }
}

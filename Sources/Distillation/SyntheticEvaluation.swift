import Cluster
import Datasets
import Foundation
import NN
import TensorCore
import Training

/// The evaluation protocol of docs/ALGORITHMS.md §3: train `models` fresh ConvNets on a (synthetic
/// or real) training set with SGD (momentum 0.9, weight decay 5e-4, batch 256, lr ×0.1 at half
/// time, per-sample DSA augmentation unless "none") and test each on the real test set.
public struct SyntheticEvaluation: Sendable {
  public var models: Int
  public var epochs: Int
  public var learningRate: Float
  public var augmentation: String
  public var network: ConvNetConfig
  public var seed: UInt64
  /// The training loss: cross-entropy, or a train-time calibration baseline (label smoothing,
  /// focal loss) under the same protocol.
  public var objective: Objective
  /// Mixup α (λ ~ Beta(α, α), mixed before augmentation); nil trains without mixup.
  public var mixupAlpha: Float?

  public init(
    models: Int, epochs: Int, learningRate: Float, augmentation: String, network: ConvNetConfig,
    seed: UInt64 = 0, objective: Objective = .crossEntropy, mixupAlpha: Float? = nil
  ) {
    self.models = models
    self.epochs = epochs
    self.learningRate = learningRate
    self.augmentation = augmentation
    self.network = network
    self.seed = seed
    self.objective = objective
    self.mixupAlpha = mixupAlpha
  }

  /// One trained network and its test result.
  public struct Trial {
    public var model: ConvNet
    public var test: EvaluationResult
    public var records: [EpochRecord]
  }

  /// Progress of one network's training.
  public struct Progress: Sendable {
    public var model: Int
    public var models: Int
    public var training: TrainingProgress
  }

  /// Mean and sample standard deviation of the test accuracies.
  public static func summary(_ trials: [Trial]) -> (mean: Double, std: Double) {
    meanAndStd(trials.map(\.test.accuracy))
  }

  /// Mean and sample (n − 1) standard deviation; 0 for the deviation of one value.
  public static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    return (mean, variance.squareRoot())
  }

  /// Trains and tests every network. Model i is seeded by (seed, i), so the trials of two
  /// training sets (or two objectives) under the same seed start from the same
  /// initialisations and draw the same minibatch orders. Each network runs exactly `epochs`
  /// passes over the set (the reference loop runs epochs + 1). Under mpirun, network i is
  /// trained by rank i mod N and every rank receives all trials: the same as one process.
  /// - Throws: `TrainingError` (bad input, non-finite, interrupted).
  public func run(
    train: Dataset, test: Dataset, progress: ((Progress) -> Void)? = nil,
    shouldStop: (() -> Bool)? = nil
  ) throws -> [Trial] {
    let augment = try DiffAugment(strategy: augmentation)
    var owned: [(index: Int, trial: Trial)] = []
    for i in 0..<models where Distribution.owns(i) {
      let trial = try trainOne(
        i, augment: augment, train: train, test: test, progress: progress,
        shouldStop: shouldStop)
      owned.append((i, trial))
    }
    guard Cluster.isDistributed else { return owned.map(\.trial) }
    return Trial.allgathered(owned, count: models, config: network)
  }

  /// Trains network i and tests it.
  private func trainOne(
    _ i: Int, augment: DiffAugment, train: Dataset, test: Dataset,
    progress: ((Progress) -> Void)?, shouldStop: (() -> Bool)?
  ) throws -> Trial {
    var rng = RandomStream(seed: seed, stream: 0x6576_616C + UInt64(i))  // "eval"
    let net = ConvNet(network, rng: &rng)
    let trainer = Trainer(
      options: TrainingOptions(
        epochs: epochs, learningRate: learningRate, objective: objective,
        mixupAlpha: mixupAlpha, seed: seed &+ UInt64(i) &* 7919),
      augmentation: augment)
    let records = try trainer.train(
      net, images: train.images, labels: train.labels,
      progress: progress.map { report in
        { report(Progress(model: i, models: self.models, training: $0)) }
      }, shouldStop: shouldStop)
    let result: EvaluationResult
    if let shouldStop {
      result = try Evaluation.evaluate(
        net, images: test.images, labels: test.labels, shouldStop: shouldStop)
    } else {
      result = Evaluation.evaluate(net, images: test.images, labels: test.labels)
    }
    return Trial(model: net, test: result, records: records)
  }
}

import Autodiff
import NN
import Optim
import TensorCore

/// The training objective.
public enum Objective: Sendable, Equatable {
  /// Plain cross-entropy.
  case crossEntropy
  /// Label smoothing with ε (default 0.1).
  case labelSmoothing(epsilon: Float)
  /// Focal loss with γ (default 3, the calibration-oriented choice of Mukhoti et al., 2020).
  case focal(gamma: Float)

  /// The mean loss of logits [N, K] against labels.
  public func loss(_ logits: Tensor, labels: [Int]) -> Tensor {
    switch self {
    case .crossEntropy: return Losses.crossEntropy(logits, labels: labels)
    case .labelSmoothing(let epsilon):
      return Losses.labelSmoothing(logits, labels: labels, epsilon: epsilon)
    case .focal(let gamma): return Losses.focal(logits, labels: labels, gamma: gamma)
    }
  }
}

/// Everything that defines a training run besides the model and data.
public struct TrainingOptions: Sendable {
  public var epochs: Int
  public var batchSize: Int
  public var learningRate: Float
  public var momentum: Float
  public var weightDecay: Float
  public var schedule: Schedule
  public var objective: Objective
  /// Mixup α (Zhang et al., 2018): λ ~ Beta(α, α) per batch, applied before augmentation
  /// (docs/ALGORITHMS.md §2.3). nil disables mixup.
  public var mixupAlpha: Float?
  /// Seed of the shuffling, mixup and augmentation streams.
  public var seed: UInt64
  /// Stop after this many steps of the planned run (the schedule still spans `epochs`), as
  /// an interrupt there would: a run cut short is replayed exactly. nil runs to the end.
  public var stopAfterSteps: Int?

  /// Defaults of the reference evaluation protocol (docs/ALGORITHMS.md §2.1): SGD, momentum 0.9,
  /// weight decay 5e-4, batch 256, lr 0.01 decayed ×0.1 at half time.
  public init(
    epochs: Int, batchSize: Int = 256, learningRate: Float = 0.01, momentum: Float = 0.9,
    weightDecay: Float = 5e-4, schedule: Schedule = .stepAtHalf(factor: 0.1),
    objective: Objective = .crossEntropy, mixupAlpha: Float? = nil, seed: UInt64 = 0
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.schedule = schedule
    self.objective = objective
    self.mixupAlpha = mixupAlpha
    self.seed = seed
  }
}

/// A snapshot reported to the progress callback after every step.
public struct TrainingProgress: Sendable {
  public var epoch: Int
  public var epochs: Int
  public var step: Int
  public var stepsPerEpoch: Int
  /// Mean loss and accuracy over the epoch so far.
  public var loss: Double
  public var accuracy: Double
  public var imagesPerSecond: Double
  /// Estimated seconds left in the run.
  public var secondsLeft: Double
}

/// One finished epoch.
public struct EpochRecord: Sendable, Equatable {
  public var epoch: Int
  public var loss: Double
  public var accuracy: Double
  public var learningRate: Float
  public var seconds: Double
  public var imagesPerSecond: Double

  /// A record from its parts (e.g. one received from another process).
  public init(
    epoch: Int, loss: Double, accuracy: Double, learningRate: Float, seconds: Double,
    imagesPerSecond: Double
  ) {
    self.epoch = epoch
    self.loss = loss
    self.accuracy = accuracy
    self.learningRate = learningRate
    self.seconds = seconds
    self.imagesPerSecond = imagesPerSecond
  }
}

/// Why a training run stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  /// The loss or a gradient became NaN or infinite.
  case nonFinite(what: String, epoch: Int, step: Int)
  /// The stop check asked to stop (Ctrl-C); parameters hold the last completed step.
  case interrupted(epoch: Int, step: Int)
  /// The inputs do not fit the model or each other.
  case invalidInput(String)

  public var description: String {
    switch self {
    case .nonFinite(let what, let epoch, let step):
      return "\(what) became NaN or infinite at epoch \(epoch + 1), step \(step + 1)"
    case .interrupted(let epoch, let step):
      return "interrupted at epoch \(epoch + 1), step \(step + 1)"
    case .invalidInput(let message):
      return message
    }
  }
}

import Calibration
import Training

/// A calibration method of the paper's comparison (Table 1): how the network is trained and
/// what is fitted after training.
public enum CalibrationMethod: String, CaseIterable, Sendable {
  /// Cross-entropy training, no calibration.
  case raw
  /// The raw network, temperature scaling on a per-class fraction v of its own training set
  /// (the paper's TS: the validation images are part of what the network trained on).
  case ts
  /// Mixup training (α = 1 in the reference), no post-hoc step.
  case mixup
  /// Label-smoothing training (ε = 0.1).
  case ls
  /// Focal-loss training (γ = 3).
  case focal
  /// The raw network, Masked Temperature Scaling at a fixed r on the same fraction v (§4.1).
  case mts
  /// The raw network, MTS with r chosen among `sweepRatios` by ECE on held-out real images.
  case mtsVal = "mts_val"
  /// A network trained on the set minus a per-class fraction v, TS on that held-out v: the
  /// classical split whose accuracy cost Table 6 reports.
  case tsSplit = "ts_split"

  /// The paper's Table 1 columns.
  public static let paper: [CalibrationMethod] = [.raw, .ts, .mixup, .ls, .focal, .mts]

  /// The network this method calibrates (post-hoc methods share the raw one).
  var training: TrainingVariant {
    switch self {
    case .raw, .ts, .mts, .mtsVal: return .plain
    case .mixup: return .mixup
    case .ls: return .labelSmoothing
    case .focal: return .focal
    case .tsSplit: return .heldOutSplit
    }
  }

  /// Whether a per-class fraction v of the set enters (TS/MTS subsets, the split).
  public var usesFraction: Bool { [.ts, .mts, .mtsVal, .tsSplit].contains(self) }
}

/// The distinct training runs behind the methods.
enum TrainingVariant: String, Hashable {
  case plain = "cross-entropy"
  case mixup
  case labelSmoothing = "label smoothing"
  case focal = "focal loss"
  case heldOutSplit = "cross-entropy without the split"
}

/// Everything a calibration table needs besides the sets.
public struct CalibrationTableOptions: Sendable {
  /// Methods, one group of rows each, in this order.
  public var methods: [CalibrationMethod]
  /// Fixed MTS ratios r (one row per r for `mts`). The paper fixes r = 0.1.
  public var maskRatios: [Double]
  /// Per-class fractions v (one row per v for the methods that use one). The paper: 0.1.
  public var validationFractions: [Double]
  /// How T is fitted (the paper's numbers come from the reference L-BFGS loop: `.parity`).
  public var fit: TemperatureFitOptions
  /// Label smoothing ε, focal γ and mixup α of the train-time baselines.
  public var smoothing: Float
  public var gamma: Float
  public var mixupAlpha: Float
  /// ECE binning of the table (default 15 right-closed bins).
  public var binning: BinningOptions
  /// The ratios `mts_val` chooses from.
  public var sweepRatios: [Double]
  /// Seed of the TS/MTS subsets and masks (network i uses seed + i).
  public var seed: UInt64

  public init(
    methods: [CalibrationMethod] = CalibrationMethod.paper, maskRatios: [Double] = [0.1],
    validationFractions: [Double] = [0.1],
    fit: TemperatureFitOptions = TemperatureFitOptions(method: .parity),
    smoothing: Float = 0.1, gamma: Float = 3, mixupAlpha: Float = 1,
    binning: BinningOptions = .guo, sweepRatios: [Double] = (1...9).map { Double($0) / 10 },
    seed: UInt64 = 0
  ) {
    self.methods = methods
    self.maskRatios = maskRatios
    self.validationFractions = validationFractions
    self.fit = fit
    self.smoothing = smoothing
    self.gamma = gamma
    self.mixupAlpha = mixupAlpha
    self.binning = binning
    self.sweepRatios = sweepRatios
    self.seed = seed
  }

  /// The training loss and mixup α of a variant.
  func training(_ variant: TrainingVariant) -> (Objective, Float?) {
    switch variant {
    case .plain, .heldOutSplit: return (.crossEntropy, nil)
    case .mixup: return (.crossEntropy, mixupAlpha)
    case .labelSmoothing: return (.labelSmoothing(epsilon: smoothing), nil)
    case .focal: return (.focal(gamma: gamma), nil)
    }
  }
}

import NN

/// The distance between the real and the synthetic parameter gradients that EDD minimises
/// (docs/ALGORITHMS.md §15.3), summed over the convolution weights.
public enum GradientMetric: String, Sendable, CaseIterable {
  /// Σ |g_r − g_s| (the reference's setting for grayscale data).
  case l1
  /// Σ (g_r − g_s)² (the reference's setting for CIFAR).
  case mse
  /// Σ_rows (1 − cos(g_r,row, g_s,row)), rows being a filter's output channels.
  case cos
}

/// EDD's own settings (Zhang et al., 2023; docs/ALGORITHMS.md §15): the early-stage pool, the
/// weight perturbation, the real-data network updates and the gradient distance. The shared
/// ones live in `DistillationOptions` (`outerLoop` matching rounds per iteration, `realBatch`,
/// `networkLearningRate`).
public struct EDDOptions: Sendable, Equatable {
  /// The pool's snapshot: each early-stage model is its expert's parameters after this many
  /// epochs on real data (the reference: 2 on CIFAR).
  public var poolEpochs: Int
  /// Early-stage models the shell trains when no pool is given (the reference: 5).
  public var poolModels: Int
  /// Perturbation coefficients: |a|, |b| ~ U[minimum, maximum] with a random sign each
  /// (the reference: [0.01, 0.09]); [0, 0] disables the perturbation.
  public var perturbationMinimum: Float
  public var perturbationMaximum: Float
  /// Real images the network trains on after every matching round (the reference's n_data:
  /// 500 for Fashion-MNIST, 2000 for CIFAR).
  public var networkImages: Int
  public var metric: GradientMetric

  /// SGD of the network updates and of the pool's pretraining (the reference's defaults).
  public static let networkMomentum: Float = 0.9
  public static let networkWeightDecay: Float = 5e-4
  /// The reference's matching augmentation (IDC's 'color_crop_cutout').
  public static let defaultAugmentation = "color_crop_cutout"

  /// The reference defaults for `network`: l1 for one channel, mse for more.
  public init(network: ConvNetConfig) {
    poolEpochs = 2
    poolModels = 5
    perturbationMinimum = 0.01
    perturbationMaximum = 0.09
    networkImages = 500
    metric = network.channels == 1 ? .l1 : .mse
  }

  /// The reference's pixel learning rate for `metric` at `imagesPerClass` and image size
  /// H×W, converted to normalised pixels: the reference steps raw [0, 1] pixels, and a step
  /// η on raw pixels is a step η/σ² on pixels normalised by σ (σ = 0.353 for Fashion-MNIST,
  /// ≈ 0.2 for CIFAR). l1: 1e-4 (Fashion-MNIST), mse: 1e-2 (CIFAR), both scaled by ipc/10 and
  /// (H·W)/32² as the reference does; cos: DC's 0.1.
  public static func imageLearningRate(
    metric: GradientMetric, imagesPerClass ipc: Int, network: ConvNetConfig
  ) -> Float {
    let scale = Float(ipc) / 10 * Float(network.height * network.width) / 1024
    switch metric {
    case .l1: return 1e-4 / (0.353 * 0.353) * scale
    case .mse: return 1e-2 / (0.2 * 0.2) * scale
    case .cos: return 0.1
    }
  }

  /// Throws `DistillationError.invalidOption` for values EDD cannot run with.
  public func validate() throws {
    guard poolEpochs >= 0 else {
      throw DistillationError.invalidOption(.poolEpochs, "pool_epochs must be ≥ 0")
    }
    guard poolModels >= 1 else {
      throw DistillationError.invalidOption(.poolModels, "pool_models must be ≥ 1")
    }
    guard perturbationMinimum >= 0, perturbationMinimum <= perturbationMaximum,
      perturbationMaximum.isFinite
    else {
      throw DistillationError.invalidOption(
        .perturbation, "perturb must be [min, max] with 0 ≤ min ≤ max")
    }
    guard networkImages >= 0 else {
      throw DistillationError.invalidOption(.networkImages, "net_images must be ≥ 0")
    }
  }

  /// The settings lines (keys are the shell's option names).
  public var settings: [String] {
    [
      "pool_epochs=\(poolEpochs)", "pool_models=\(poolModels)",
      "perturb=\(perturbationMinimum):\(perturbationMaximum)", "net_images=\(networkImages)",
      "metric=\(metric.rawValue)",
    ]
  }

  /// Reads the keys of `settings` over these values; absent keys keep them.
  /// - Throws: `DistillationError.invalidOption(.settings, …)` for a malformed value.
  public mutating func read(settings table: [String: String]) throws {
    func malformed(_ key: String) -> DistillationError {
      .invalidOption(.settings, "settings: malformed \(key)=\(table[key] ?? "")")
    }
    if let v = table["pool_epochs"] {
      guard let n = Int(v) else { throw malformed("pool_epochs") }
      poolEpochs = n
    }
    if let v = table["pool_models"] {
      guard let n = Int(v) else { throw malformed("pool_models") }
      poolModels = n
    }
    if let v = table["perturb"] {
      let parts = v.split(separator: ":").compactMap { Float(String($0)) }
      guard parts.count == 2 else { throw malformed("perturb") }
      (perturbationMinimum, perturbationMaximum) = (parts[0], parts[1])
    }
    if let v = table["net_images"] {
      guard let n = Int(v) else { throw malformed("net_images") }
      networkImages = n
    }
    if let v = table["metric"] {
      guard let m = GradientMetric(rawValue: v) else { throw malformed("metric") }
      metric = m
    }
  }
}

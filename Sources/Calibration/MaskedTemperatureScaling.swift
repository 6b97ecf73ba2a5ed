import Datasets
import NN
import TensorCore

/// Options of Masked Temperature Scaling.
public struct MaskedTemperatureScalingOptions: Sendable, Equatable {
  /// Mask ratio r ∈ [0, 1): each input element is zeroed with probability r (0 = plain TS).
  public var maskRatio: Double
  /// Validation fraction v ∈ (0, 1]: per class, n_c − ⌊(1 − v)·n_c⌋ examples (at least one),
  /// the reference's per-class split (docs/ALGORITHMS.md §10.1: ipc 10 and v = 0.1 give 1, ipc 1
  /// gives 1).
  public var validationFraction: Double
  /// Seed of the subset draw and of the masks.
  public var seed: UInt64
  /// How T is fitted on the masked logits (converged, or parity with the reference loop).
  public var fit: TemperatureFitOptions
  /// Binning of the masked-validation ECE reported with the fit.
  public var binning: BinningOptions
  /// Images per forward pass.
  public var batchSize: Int

  /// MTS with ratio r (paper default for MTT/CIFAR: 0.3), fraction v and a seed.
  public init(
    maskRatio: Double = 0.3, validationFraction: Double = 0.1, seed: UInt64 = 0,
    method: TemperatureFitMethod = .converged, binning: BinningOptions = .guo,
    batchSize: Int = 256
  ) {
    self.maskRatio = maskRatio
    self.validationFraction = validationFraction
    self.seed = seed
    self.fit = TemperatureFitOptions(method: method)
    self.binning = binning
    self.batchSize = batchSize
  }

  /// Throws `CalibrationError.invalidOption` for a setting outside its range.
  public func validate() throws {
    try Check.maskRatio(maskRatio)
    try Check.option(
      validationFraction > 0 && validationFraction <= 1, "fraction", validationFraction,
      "a fraction in (0, 1]")
    try Check.option(batchSize >= 1, "batch", batchSize, "at least 1")
    try fit.validate()
    try binning.validate()
  }
}

/// The outcome of one MTS fit.
public struct MaskedTemperatureFit: Sendable, Equatable {
  /// The mask ratio r used.
  public var maskRatio: Double
  /// The temperature fit on the masked validation logits.
  public var fit: TemperatureFit
  /// Rows of the given data that formed the validation subset, grouped by class.
  public var validationIndices: [Int]
  /// Accuracy of the model on the masked validation inputs.
  public var maskedAccuracy: Double
  /// ECE of softmax(z_masked / T) on the masked validation inputs.
  public var maskedECE: Double

  /// The fitted T.
  public var temperature: Double { fit.temperature }
}

/// Masked Temperature Scaling (MTS, paper §4.1, eq. 4): temperature scaling whose validation
/// inputs are zero-masked, x̃ = x ⊙ M with Mᵢ ~ Bernoulli(1 − r) independently per element
/// (pixel and channel) of the stored, normalised (or ZCA-whitened) images, no 1/(1 − r)
/// rescaling, one fresh mask per image drawn once per fit (docs/ALGORITHMS.md §10.1). T minimises
/// NLL(softmax(model(x̃) / T), y) on those cached logits; predictions then use the clean input:
/// softmax(model(x) / T). The weights never change, so neither does accuracy.
///
/// Why masking: the validation data of a network trained on distilled data is typically the
/// distilled set itself (there may be nothing else: ipc 1). Fitting T unmasked on the very
/// images the network was trained on is degenerate: it typically classifies them all
/// correctly, so the NLL falls monotonically as T → 0 and the fit ends far below 1 (at the
/// lower bound when the set is separable), making the model even more over-confident on test
/// data. Zero-masking perturbs those images into harder, partly misclassified inputs with
/// smaller, more varied logits (paper §3.1, Fig. 7), which turns them into an informative
/// signal for T.
///
/// Determinism: for a given seed, the subset comes from stream split 0 and the masks from
/// split 1 of `RandomStream(seed:)`, so two fits with the same seed are identical, and fits
/// at different r share the same uniforms (masks are nested as r grows).
public enum MaskedTemperatureScaling {
  /// Fits T by MTS on a labelled set (typically the distilled set itself).
  /// - Parameters:
  ///   - model: the trained network (unchanged).
  ///   - data: images [N, C, H, W] fitting the model, with the model's class count.
  ///   - options: r, v, seed, fit method, binning.
  /// - Throws: `CalibrationError` for data that does not fit the model or bad options.
  public static func fit(
    _ model: ConvNet, on data: Dataset,
    options: MaskedTemperatureScalingOptions = MaskedTemperatureScalingOptions()
  ) throws -> MaskedTemperatureFit {
    try options.validate()
    try check(model, data)
    var subsetStream = streams(options.seed).subset
    let indices = validationIndices(data, fraction: options.validationFraction, rng: &subsetStream)
    return try fitOnSubset(model, data, indices, ratio: options.maskRatio, options: options)
  }

  /// The calibrated model of an MTS fit: `model` with T (clean inputs at prediction time).
  /// - Throws: as `fit(_:on:options:)`.
  public static func calibrate(
    _ model: ConvNet, on data: Dataset,
    options: MaskedTemperatureScalingOptions = MaskedTemperatureScalingOptions()
  ) throws -> CalibratedModel {
    try CalibratedModel(
      model: model, temperature: fit(model, on: data, options: options).temperature)
  }

  /// Per class (in label order): a random n_c − ⌊(1 − v)·n_c⌋ of its rows (≥ 1 when n_c ≥ 1).
  public static func validationIndices(
    _ data: Dataset, fraction: Double, rng: inout RandomStream
  ) -> [Int] {
    var chosen: [Int] = []
    for label in 0..<data.classCount {
      let members = data.indices(ofClass: label)
      let take = members.count - Int(((1 - fraction) * Double(members.count)).rounded(.down))
      let order = rng.permutation(members.count)
      chosen += order.prefix(max(0, min(take, members.count))).map { members[$0] }
    }
    return chosen
  }

  /// x ⊙ M with Mᵢ = 0 with probability r, else 1, independently per element; no rescaling.
  public static func mask(_ images: NDArray, ratio: Double, rng: inout RandomStream) -> NDArray {
    if ratio <= 0 { return images }
    let keep = rng.bernoulliMask(images.count, dropProbability: Float(ratio))
    return images * NDArray(shape: images.shape, data: keep)
  }

  /// Masks the rows at `indices` with ratio r, computes their logits once and fits T.
  static func fitOnSubset(
    _ model: ConvNet, _ data: Dataset, _ indices: [Int], ratio: Double,
    options: MaskedTemperatureScalingOptions
  ) throws -> MaskedTemperatureFit {
    var maskStream = streams(options.seed).mask
    let masked = mask(data.images.gatherRows(indices), ratio: ratio, rng: &maskStream)
    let logits = try ModelLogits.compute(model, images: masked, batchSize: options.batchSize)
    let labels = indices.map { data.labels[$0] }
    let fit = try TemperatureScaling.fit(logits: logits, labels: labels, options: options.fit)
    let calibrated = try Predictions(logits: logits, labels: labels, temperature: fit.temperature)
    return MaskedTemperatureFit(
      maskRatio: ratio, fit: fit, validationIndices: indices,
      maskedAccuracy: calibrated.accuracy, maskedECE: calibrated.ece(options.binning))
  }

  /// The subset and mask streams of a seed.
  static func streams(_ seed: UInt64) -> (subset: RandomStream, mask: RandomStream) {
    let root = RandomStream(seed: seed, stream: 0x6D74_73)
    return (root.split(0), root.split(1))
  }

  /// Throws unless `data` fits the model's input and class count.
  static func check(_ model: ConvNet, _ data: Dataset) throws {
    guard data.classCount == model.config.classes else {
      throw CalibrationError.classCountMismatch(model: model.config.classes, data: data.classCount)
    }
    try ModelLogits.check(model, images: data.images, labels: data.labels)
  }
}

extension TemperatureScaling {
  /// Plain temperature scaling of a model on labelled images (clean inputs).
  /// - Throws: `CalibrationError` for images or labels that do not fit, or bad options.
  public static func fit(
    _ model: ConvNet, images: NDArray, labels: [Int],
    options: TemperatureFitOptions = TemperatureFitOptions(), batchSize: Int = 256
  ) throws -> TemperatureFit {
    try ModelLogits.check(model, images: images, labels: labels)
    let logits = try ModelLogits.compute(model, images: images, batchSize: batchSize)
    return try fit(logits: logits, labels: labels, options: options)
  }
}

import Autodiff
import TensorCore

/// Normalisation layer of a ConvNet block.
public enum NormKind: String, Sendable, CaseIterable {
  case instance, batch, none
}

/// Pooling layer of a ConvNet block.
public enum PoolKind: String, Sendable, CaseIterable {
  case avg, max, none
}

/// The architecture of the dataset-distillation ConvNet (docs/ALGORITHMS.md §1).
public struct ConvNetConfig: Sendable, Equatable {
  public var channels: Int
  public var height: Int
  public var width: Int
  public var classes: Int
  public var depth: Int
  public var netWidth: Int
  public var norm: NormKind
  public var pooling: PoolKind

  /// Defaults: depth 3, width 128, instance norm, average pooling.
  public init(
    channels: Int, height: Int, width: Int, classes: Int, depth: Int = 3, netWidth: Int = 128,
    norm: NormKind = .instance, pooling: PoolKind = .avg
  ) {
    self.channels = channels
    self.height = height
    self.width = width
    self.classes = classes
    self.depth = depth
    self.netWidth = netWidth
    self.norm = norm
    self.pooling = pooling
  }

  /// 28×28 grayscale inputs get padding 3 in the first conv (28 → 32), as the DC code does.
  public var firstPadding: Int { channels == 1 && height == 28 && width == 28 ? 3 : 1 }

  /// Spatial size after block `block` (0-based) — the feature map it outputs.
  public func featureSize(afterBlock block: Int) -> (height: Int, width: Int) {
    var h = height + 2 * firstPadding - 2
    var w = width + 2 * firstPadding - 2
    for _ in 0...block where pooling != .none {
      h /= 2
      w /= 2
    }
    return (h, w)
  }

  /// Length of the flattened feature vector fed to the classifier.
  public var featureCount: Int {
    let (h, w) = featureSize(afterBlock: depth - 1)
    return netWidth * h * w
  }

  /// Checks that the configuration is buildable (positive sizes, features survive pooling).
  public func validate() throws {
    try checkLimits()
    guard channels > 0, height > 0, width > 0, classes > 1, depth >= 1, netWidth > 0 else {
      throw ShapeError.mismatch(
        op: "convnet", shape: [channels, height, width],
        expected: "positive channels/size, classes ≥ 2, depth ≥ 1, width > 0")
    }
    let (h, w) = featureSize(afterBlock: depth - 1)
    guard h >= 1, w >= 1 else {
      throw ShapeError.mismatch(
        op: "convnet", shape: [channels, height, width],
        expected: "an image large enough for depth \(depth) (features vanish)")
    }
  }
}

/// ConvNet-D: D × [conv 3×3 → norm → ReLU → pool] → linear (docs/ALGORITHMS.md §1.1).
///
/// Parameters live in `parameters` in the reference order; `forward(_:with:)` runs on any
/// parameter set of the same layout (the functional form MTT and DC need).
public final class ConvNet {
  public let config: ConvNetConfig
  public var parameters: ParameterSet
  /// Running mean and variance per block, for batch norm only.
  public var runningStatistics: [(mean: NDArray, variance: NDArray)]

  /// A freshly initialised network (PyTorch default init; norm γ = 1, β = 0).
  public init(_ config: ConvNetConfig, rng: inout RandomStream) {
    self.config = config
    var names: [String] = []
    var tensors: [Tensor] = []
    var inChannels = config.channels
    for block in 1...config.depth {
      let fanIn = inChannels * 9
      let filterShape = [config.netWidth, inChannels, 3, 3]
      names += ["conv\(block).weight", "conv\(block).bias"]
      tensors.append(
        Tensor(Initializers.pytorchDefault(shape: filterShape, fanIn: fanIn, rng: &rng)))
      tensors.append(
        Tensor(Initializers.pytorchDefault(shape: [config.netWidth], fanIn: fanIn, rng: &rng)))
      if config.norm != .none {
        names += ["norm\(block).weight", "norm\(block).bias"]
        tensors.append(Tensor(NDArray.ones([config.netWidth])))
        tensors.append(Tensor(NDArray.zeros([config.netWidth])))
      }
      inChannels = config.netWidth
    }
    let features = config.featureCount
    names += ["classifier.weight", "classifier.bias"]
    tensors.append(
      Tensor(
        Initializers.pytorchDefault(shape: [config.classes, features], fanIn: features, rng: &rng)))
    tensors.append(
      Tensor(Initializers.pytorchDefault(shape: [config.classes], fanIn: features, rng: &rng)))
    parameters = ParameterSet(names: names, tensors: tensors)
    runningStatistics = (0..<config.depth).map { _ in
      (NDArray.zeros([config.netWidth]), NDArray.ones([config.netWidth]))
    }
  }

  /// Logits [N, classes] for x [N, C, H, W], using `parameters` or the given set.
  /// `training` selects batch statistics for batch norm (and updates the running ones).
  public func forward(_ x: Tensor, with parameters: ParameterSet? = nil, training: Bool = false)
    -> Tensor
  {
    let p = parameters?.tensors ?? self.parameters.tensors
    let features = self.features(x, with: p, training: training, upToBlock: config.depth - 1)
    let n = p.count
    return Layers.linear(features.flattenedRows(), weight: p[n - 2], bias: p[n - 1])
  }

  /// The output of block `block` (0-based; conv → norm → ReLU → pool) for x.
  public func features(
    _ x: Tensor, with p: [Tensor], training: Bool = false, upToBlock block: Int
  ) -> Tensor {
    var h = x
    let stride = config.norm == .none ? 2 : 4
    for d in 0...block {
      let base = d * stride
      let padding = d == 0 ? config.firstPadding : 1
      if config.norm == .instance && config.pooling != .max && !h.requiresGrad
        && !usesWinograd(h, p[base], padding: padding)
      {
        // A constant input (real images) into an im2col convolution: the whole block in
        // one pass per image.
        h = h.convInstanceNormReLUPool(
          filter: p[base], bias: p[base + 1], gamma: p[base + 2], beta: p[base + 3],
          padding: padding, pool: config.pooling == .avg)
        continue
      }
      h = h.conv2d(p[base], bias: p[base + 1], padding: padding)
      if config.norm == .instance && config.pooling != .max {
        // The common case fused: norm, affine, ReLU and pooling in one pass each way.
        h = h.instanceNormReLUPool(
          gamma: p[base + 2], beta: p[base + 3], pool: config.pooling == .avg)
        continue
      }
      h = normalize(h, p, base, block: d, training: training)
      h = h.relu()
      switch config.pooling {
      case .avg: h = h.avgPool2d(kernel: 2, stride: 2)
      case .max: h = h.maxPool2d(kernel: 2, stride: 2)
      case .none: break
      }
    }
    return h
  }

  private func usesWinograd(_ x: Tensor, _ filter: Tensor, padding: Int) -> Bool {
    let g = try? ConvGeometry(input: x.shape, filter: filter.shape, stride: 1, padding: padding)
    return g?.usesWinograd ?? false
  }

  private func normalize(_ h: Tensor, _ p: [Tensor], _ base: Int, block: Int, training: Bool)
    -> Tensor
  {
    switch config.norm {
    case .none:
      return h
    case .instance:
      return Layers.instanceNorm(h, gamma: p[base + 2], beta: p[base + 3])
    case .batch:
      if training { updateRunningStatistics(h.value, block: block) }
      let stats = training ? nil : runningStatistics[block]
      return Layers.batchNorm(
        h, gamma: p[base + 2], beta: p[base + 3], mean: stats?.mean, variance: stats?.variance)
    }
  }

  /// PyTorch's update: momentum 0.1, unbiased batch variance.
  private func updateRunningStatistics(_ h: NDArray, block: Int) {
    let n = Float(h.shape[0] * h.shape[2] * h.shape[3])
    let mean = h.mean(axes: [0, 2, 3])
    let centered = h - mean.reshaped([1, h.shape[1], 1, 1])
    let variance = centered.unary(.square).sum(axes: [0, 2, 3]) * (1 / max(n - 1, 1))
    let old = runningStatistics[block]
    runningStatistics[block] = (old.mean * 0.9 + mean * 0.1, old.variance * 0.9 + variance * 0.1)
  }
}

import Autodiff
import Foundation
import TensorCore

/// Differentiable Siamese augmentation (DSA; Zhao & Bilen, 2021) in mode 'S': each call picks
/// one op of the strategy uniformly at random and applies it with random per-sample
/// parameters (docs/ALGORITHMS.md §4).
///
/// Every transform is built from differentiable `Tensor` ops (a gather, a mask product,
/// broadcast arithmetic, bilinear `gridSample` at a constant grid) whose backward rules are
/// themselves `Tensor` ops, so gradients — and gradients of gradients, as DC and MTT need —
/// flow to the images. All transforms are linear in x.
///
/// Randomness comes only from the `RandomStream` passed in, so equal seeds give equal
/// results; torch's RNG sequence is not reproduced.
///
///     let augment = try DiffAugment(strategy: DiffAugment.standardStrategy)
///     let y = augment(x, rng: &rng)                         // per-sample parameters
///     let pair = augment.siamese([real, synthetic], rng: &rng)  // one shared transform
public struct DiffAugment: Sendable, Equatable {
  /// DSA's default strategy (CIFAR, FashionMNIST).
  public static let standardStrategy = "color_crop_cutout_flip_scale_rotate"
  /// The strategy without `flip`, for digits (MNIST, SVHN).
  public static let digitsStrategy = "color_crop_cutout_scale_rotate"

  /// The ops one call chooses from, uniformly (a repeated op is proportionally likelier).
  public var ops: [AugmentationOp]
  /// Transform strengths and the grid convention.
  public var parameters: AugmentationParameters

  /// An augmenter choosing among `ops`; no ops means the identity.
  public init(ops: [AugmentationOp], parameters: AugmentationParameters = .init()) {
    self.ops = ops
    self.parameters = parameters
  }

  /// Parses a strategy such as "color_crop_cutout_flip_scale_rotate".
  ///
  /// - Parameters:
  ///   - strategy: op names joined by "_"; "", "none" and "None" mean no augmentation.
  ///   - parameters: transform strengths; DC's defaults.
  /// - Throws: `DiffAugmentError.unknownOperation` for a token that names no op.
  public init(strategy: String, parameters: AugmentationParameters = .init()) throws {
    var ops: [AugmentationOp] = []
    if !["", "none", "None"].contains(strategy) {
      for token in strategy.split(separator: "_", omittingEmptySubsequences: false) {
        guard let op = AugmentationOp(rawValue: String(token)) else {
          throw DiffAugmentError.unknownOperation(token: String(token), strategy: strategy)
        }
        ops.append(op)
      }
    }
    self.init(ops: ops, parameters: parameters)
  }

  /// The strategy string: op names joined by "_", or "none".
  public var strategy: String {
    ops.isEmpty ? "none" : ops.map(\.rawValue).joined(separator: "_")
  }

  /// Whether the augmenter changes anything.
  public var isIdentity: Bool { ops.isEmpty }
}

// MARK: - Drawing

extension DiffAugment {
  /// Draws one transform for a batch: exactly one op, chosen uniformly from `ops` (mode 'S'),
  /// then its random parameters.
  ///
  /// Parameters per sample (u ~ U(0, 1) independently; H, W the image size):
  /// - color: brightness shift (u − 0.5)·brightness, saturation factor u·saturation,
  ///   contrast factor u + contrast;
  /// - crop: row shift and column shift, separate uniform integers in [−s, s] with
  ///   s = Int(H·ratioCropPad + 0.5) (resp. W);
  /// - cutout: side c = Int(H·ratioCutout + 0.5), centre row ~ U{0, …, H − c mod 2}, top row
  ///   = centre − c/2 (columns likewise);
  /// - flip: mirrored when u < probabilityFlip;
  /// - scale: sx, sy ~ U(1/ratioScale, ratioScale) independently;
  /// - rotate: angle ~ U(−ratioRotate, ratioRotate) degrees.
  ///
  /// - Parameters:
  ///   - n: the number of samples (ignored when `shared`).
  ///   - height: the image height H.
  ///   - width: the image width W.
  ///   - shared: draw one parameter set for all samples (Siamese); the draw then applies to
  ///     batches of any size.
  ///   - rng: the random stream; advanced by the draw.
  /// - Returns: the draw; `identity` when `ops` is empty (the stream is not advanced).
  public func draw(
    batch n: Int, height: Int, width: Int, shared: Bool, rng: inout RandomStream
  ) -> AugmentationDraw {
    precondition(n >= 0 && height > 0 && width > 0, "draw: batch \(n), image \(height)×\(width)")
    guard !ops.isEmpty else {
      return AugmentationDraw(.identity, batch: n, height: height, width: width, shared: shared)
    }
    let op = ops[rng.int(in: 0..<ops.count)]
    let k = shared ? 1 : n
    let p = parameters
    let transform: AugmentationDraw.Transform
    switch op {
    case .color:
      let brightness = rng.uniform(k).map { ($0 - 0.5) * p.brightness }
      let saturation = rng.uniform(k).map { $0 * p.saturation }
      let contrast = rng.uniform(k).map { $0 + p.contrast }
      transform = .color(brightness: brightness, saturation: saturation, contrast: contrast)
    case .crop:
      let (rows, columns) = (p.cropShift(height), p.cropShift(width))
      transform = .crop(
        rowShift: Self.integers(k, in: -rows...rows, &rng),
        columnShift: Self.integers(k, in: -columns...columns, &rng))
    case .cutout:
      let (rows, columns) = (p.cutoutSize(height), p.cutoutSize(width))
      let top = Self.integers(k, in: 0...(height - rows % 2), &rng).map { $0 - rows / 2 }
      let left = Self.integers(k, in: 0...(width - columns % 2), &rng).map { $0 - columns / 2 }
      transform = .cutout(top: top, left: left, height: rows, width: columns)
    case .flip:
      transform = .flip(rng.uniform(k).map { $0 < p.probabilityFlip })
    case .scale:
      let x = rng.uniform(k, low: 1 / p.ratioScale, high: p.ratioScale)
      let y = rng.uniform(k, low: 1 / p.ratioScale, high: p.ratioScale)
      transform = .scale(x: x, y: y)
    case .rotate:
      let degrees = rng.uniform(k, low: -p.ratioRotate, high: p.ratioRotate)
      transform = .rotate(radians: degrees.map { $0 * Float.pi / 180 })
    }
    return AugmentationDraw(transform, batch: n, height: height, width: width, shared: shared)
  }

  /// `count` integers uniform on `range` (both ends included).
  static func integers(_ count: Int, in range: ClosedRange<Int>, _ rng: inout RandomStream)
    -> [Int]
  {
    let size = range.count
    return rng.uniform(count).map { range.lowerBound + min(Int($0 * Float(size)), size - 1) }
  }
}

// MARK: - Applying

extension DiffAugment {
  /// Applies a drawn transform to x [n, C, H, W]; differentiable (twice) in x.
  ///
  /// - Parameters:
  ///   - draw: from `draw(batch:height:width:shared:rng:)` with the same H and W, and batch n
  ///     unless it is shared.
  ///   - x: the images [n, C, H, W].
  /// - Returns: the augmented images, [n, C, H, W].
  public func apply(_ draw: AugmentationDraw, to x: Tensor) -> Tensor {
    precondition(x.rank == 4, "DiffAugment: images must be [N, C, H, W], got \(x.shape)")
    let n = x.shape[0]
    precondition(
      x.shape[2] == draw.height && x.shape[3] == draw.width,
      "DiffAugment: draw for \(draw.height)×\(draw.width) images applied to \(x.shape)")
    precondition(
      draw.shared || n == draw.batch,
      "DiffAugment: per-sample draw for \(draw.batch) samples applied to \(n)")
    switch draw.transform {
    case .identity:
      return x
    case .color(let brightness, let saturation, let contrast):
      return Self.color(x, brightness: brightness, saturation: saturation, contrast: contrast)
    case .crop(let rows, let columns):
      return Self.crop(x, rowShift: rows, columnShift: columns, draw: draw)
    case .cutout(let top, let left, let height, let width):
      return Self.cutout(x, top: top, left: left, size: (height, width), draw: draw)
    case .flip(let mirrored):
      return Self.flip(x, mirrored: mirrored, draw: draw)
    case .scale(let sx, let sy):
      let theta = zip(sx, sy).flatMap { sx, sy -> [Float] in [sx, 0, 0, 0, sy, 0] }
      return Self.affine(x, theta: theta, alignCorners: parameters.alignCorners)
    case .rotate(let angles):
      let theta = angles.flatMap { a -> [Float] in [cos(a), -sin(a), 0, sin(a), cos(a), 0] }
      return Self.affine(x, theta: theta, alignCorners: parameters.alignCorners)
    }
  }

  /// Per-sample augmentation (seed −1 in DSA): one op for the batch, independent parameters
  /// per sample.
  ///
  /// - Parameters:
  ///   - x: the images [N, C, H, W].
  ///   - rng: the random stream; advanced by the draw.
  /// - Returns: the augmented images, [N, C, H, W].
  public func callAsFunction(_ x: Tensor, rng: inout RandomStream) -> Tensor {
    precondition(x.rank == 4, "DiffAugment: images must be [N, C, H, W], got \(x.shape)")
    let d = draw(batch: x.shape[0], height: x.shape[2], width: x.shape[3], shared: false, rng: &rng)
    return apply(d, to: x)
  }

  /// Siamese augmentation: one shared draw applied to every sample of every batch — in DSA
  /// and DM, the real and the synthetic batch of one class at one outer step.
  ///
  /// - Parameters:
  ///   - batches: image tensors [Nₖ, C, H, W] sharing H and W (Nₖ may differ).
  ///   - rng: the random stream; advanced by one draw.
  /// - Returns: the augmented batches, in order.
  public func siamese(_ batches: [Tensor], rng: inout RandomStream) -> [Tensor] {
    guard let first = batches.first else { return [] }
    precondition(first.rank == 4, "DiffAugment: images must be [N, C, H, W], got \(first.shape)")
    let d = draw(
      batch: first.shape[0], height: first.shape[2], width: first.shape[3], shared: true,
      rng: &rng)
    return batches.map { apply(d, to: $0) }
  }
}

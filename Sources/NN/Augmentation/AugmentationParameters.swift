/// One differentiable Siamese augmentation (DSA) family; a strategy string joins their raw
/// values with "_" (docs/ALGORITHMS.md §4.1).
public enum AugmentationOp: String, CaseIterable, Sendable {
  /// Brightness, saturation and contrast jitter, in that order.
  case color
  /// Translation by whole pixels with zero fill.
  case crop
  /// A zeroed square, the same for every channel.
  case cutout
  /// Horizontal mirror (width axis) of about half the samples.
  case flip
  /// Anisotropic scaling about the centre, bilinear.
  case scale
  /// Rotation about the centre, bilinear.
  case rotate
}

/// The strengths of the DSA transforms; the defaults are DC/DSA's `ParamDiffAug`
/// (docs/ALGORITHMS.md §4.2).
public struct AugmentationParameters: Sendable, Equatable {
  /// Probability that `flip` mirrors a sample.
  public var probabilityFlip: Float
  /// `scale` draws sx, sy ~ U(1/r, r).
  public var ratioScale: Float
  /// `rotate` draws an angle ~ U(−r, r), in degrees.
  public var ratioRotate: Float
  /// `crop` shifts by up to Int(H·r + 0.5) rows and Int(W·r + 0.5) columns.
  public var ratioCropPad: Float
  /// `cutout` zeroes a square of Int(H·r + 0.5) × Int(W·r + 0.5) pixels.
  public var ratioCutout: Float
  /// Brightness adds (u − 0.5)·b, u ~ U(0, 1): a shift in [−b/2, b/2).
  public var brightness: Float
  /// Saturation scales the deviation from the per-pixel channel mean by u·s, u ~ U(0, 1).
  public var saturation: Float
  /// Contrast scales the deviation from the per-sample mean by u + c, u ~ U(0, 1).
  public var contrast: Float
  /// The sampling-grid convention of `scale` and `rotate` (torch `affine_grid`/`grid_sample`):
  /// false in DC/DSA (the PyTorch default), true in MTT.
  public var alignCorners: Bool

  /// DC/DSA's values; pass `alignCorners: true` (or use `.mtt`) for MTT.
  public init(
    probabilityFlip: Float = 0.5, ratioScale: Float = 1.2, ratioRotate: Float = 15,
    ratioCropPad: Float = 0.125, ratioCutout: Float = 0.5, brightness: Float = 1.0,
    saturation: Float = 2.0, contrast: Float = 0.5, alignCorners: Bool = false
  ) {
    self.probabilityFlip = probabilityFlip
    self.ratioScale = ratioScale
    self.ratioRotate = ratioRotate
    self.ratioCropPad = ratioCropPad
    self.ratioCutout = ratioCutout
    self.brightness = brightness
    self.saturation = saturation
    self.contrast = contrast
    self.alignCorners = alignCorners
  }

  /// DC/DSA/DM: the defaults with `alignCorners` false.
  public static let dc = AugmentationParameters()

  /// MTT: the defaults with `alignCorners` true.
  public static let mtt = AugmentationParameters(alignCorners: true)

  /// Crop's maximal shift in pixels along an axis of `size` pixels: Int(size·r + 0.5).
  public func cropShift(_ size: Int) -> Int { Int(Float(size) * ratioCropPad + 0.5) }

  /// Cutout's square side in pixels along an axis of `size` pixels: Int(size·r + 0.5).
  public func cutoutSize(_ size: Int) -> Int { Int(Float(size) * ratioCutout + 0.5) }
}

/// A strategy string that `DiffAugment(strategy:)` cannot parse.
public enum DiffAugmentError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `token` (possibly empty, from a doubled or trailing "_") is not an `AugmentationOp`.
  case unknownOperation(token: String, strategy: String)

  public var description: String {
    switch self {
    case .unknownOperation(let token, let strategy):
      let valid = AugmentationOp.allCases.map(\.rawValue).joined(separator: ", ")
      return "unknown augmentation '\(token)' in strategy '\(strategy)'; valid tokens: \(valid)"
        + " (joined with '_'), or 'none' for no augmentation"
    }
  }
}

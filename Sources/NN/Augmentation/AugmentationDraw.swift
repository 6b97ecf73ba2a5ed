/// One drawn DSA transform: the op chosen for the call and its random parameters, resolved to
/// the values `DiffAugment.apply` uses (docs/ALGORITHMS.md §4.2).
///
/// Every parameter array holds one entry per sample (`batch` entries), or a single entry when
/// the draw is `shared` (Siamese): then every sample of every batch it is applied to gets that
/// entry, whatever the batch size.
public struct AugmentationDraw: Sendable, Equatable {
  /// The transform and its per-sample parameters.
  public enum Transform: Sendable, Equatable {
    /// No change (an empty strategy).
    case identity
    /// x ← x + b; then x ← (x − m₁)·s + m₁ with m₁ the per-pixel channel mean; then
    /// x ← (x − m₂)·c + m₂ with m₂ the per-sample mean over C, H, W.
    case color(brightness: [Float], saturation: [Float], contrast: [Float])
    /// out[i, j] = x[i + rowShift, j + columnShift], zero outside the image.
    case crop(rowShift: [Int], columnShift: [Int])
    /// Zeroes rows top..<top + height and columns left..<left + width (clipped to the image) on
    /// every channel; top and left may be negative.
    case cutout(top: [Int], left: [Int], height: Int, width: Int)
    /// Mirrors the width axis of the samples marked true.
    case flip([Bool])
    /// Affine θ = [[sx, 0, 0], [0, sy, 0]]: output point (x, y) samples input (sx·x, sy·y).
    case scale(x: [Float], y: [Float])
    /// Affine θ = [[cos a, −sin a, 0], [sin a, cos a, 0]], angle a in radians.
    case rotate(radians: [Float])
  }

  /// The chosen transform.
  public let transform: Transform
  /// Number of samples the draw was made for.
  public let batch: Int
  /// Image height the draw was made for.
  public let height: Int
  /// Image width the draw was made for.
  public let width: Int
  /// Whether one parameter set serves every sample (Siamese augmentation).
  public let shared: Bool

  /// A draw from explicit parameters (tests, replays). Parameter arrays must hold `batch`
  /// entries, or one when `shared`.
  public init(_ transform: Transform, batch: Int, height: Int, width: Int, shared: Bool) {
    self.transform = transform
    self.batch = batch
    self.height = height
    self.width = width
    self.shared = shared
    let expected = shared ? 1 : batch
    precondition(
      transform.parameterCounts.allSatisfy { $0 == expected },
      "AugmentationDraw: \(transform.parameterCounts) parameters, expected \(expected) each")
  }

  /// The op this draw applies; nil for `identity`.
  public var op: AugmentationOp? {
    switch transform {
    case .identity: return nil
    case .color: return .color
    case .crop: return .crop
    case .cutout: return .cutout
    case .flip: return .flip
    case .scale: return .scale
    case .rotate: return .rotate
    }
  }

  /// Index into the parameter arrays for sample `i`.
  @inline(__always)
  func slot(_ i: Int) -> Int { shared ? 0 : i }
}

extension AugmentationDraw.Transform {
  /// Lengths of the per-sample parameter arrays.
  var parameterCounts: [Int] {
    switch self {
    case .identity: return []
    case .color(let b, let s, let c): return [b.count, s.count, c.count]
    case .crop(let r, let c): return [r.count, c.count]
    case .cutout(let t, let l, _, _): return [t.count, l.count]
    case .flip(let f): return [f.count]
    case .scale(let x, let y): return [x.count, y.count]
    case .rotate(let a): return [a.count]
    }
  }
}

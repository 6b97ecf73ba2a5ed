import Autodiff
import TensorCore

/// Masked Distillation Training (paper §4.2, §5.3): the drop ratio applied to the synthetic batch
/// before it enters a backbone's criterion.
///
/// No public code exists for MDT; this is our reconstruction (docs/ALGORITHMS.md §8): each element
/// of the synthetic input is zeroed independently with probability r, with no rescaling, so
/// gradients reach the images only through the kept elements (∂x̃/∂S = M). The mask form is the one
/// the authors' MTS code uses.
public enum MaskSchedule: Sendable, Equatable, CustomStringConvertible {
  /// No masking (the plain backbone).
  case none
  /// MDT: a fixed ratio r (paper: 0.1).
  case fixed(Float)
  /// MDTds: r ~ U[minimum, maximum] drawn once per distillation iteration (default [0, 0.1]).
  case dynamic(minimum: Float, maximum: Float)

  /// The ratio for one iteration.
  public func ratio(rng: inout RandomStream) -> Float {
    switch self {
    case .none: return 0
    case .fixed(let r): return r
    case .dynamic(let low, let high): return rng.uniform(1, low: low, high: high)[0]
    }
  }

  /// x ⊙ M with M[i] ~ Bernoulli(1 − r) independently per element; x itself when r = 0.
  public static func apply(_ x: Tensor, ratio r: Float, rng: inout RandomStream) -> Tensor {
    guard r > 0 else { return x }
    let mask = NDArray(shape: x.shape, data: rng.bernoulliMask(x.count, dropProbability: r))
    return x * Tensor(mask)
  }

  /// Checks that ratios lie in [0, 1).
  public func validate() throws {
    switch self {
    case .none: return
    case .fixed(let r):
      guard r >= 0, r < 1 else {
        throw DistillationError.invalidOption(.mask, "mask ratio \(r) is not in [0, 1)")
      }
    case .dynamic(let low, let high):
      guard low >= 0, high < 1, low <= high else {
        throw DistillationError.invalidOption(
          .mask, "mask range [\(low), \(high)] is not within [0, 1)")
      }
    }
  }

  public var description: String {
    switch self {
    case .none: return "none"
    case .fixed(let r): return "MDT r=\(r)"
    case .dynamic(let low, let high): return "MDTds r~U[\(low), \(high)]"
    }
  }
}

import Autodiff
import NN
import TensorCore

/// The differentiable augmentation of IDC's code, which EDD inherits (docs/ALGORITHMS.md
/// §15.4): unlike DSA's mode 'S' (one op per call), every call applies, in this order, flip
/// and color when the strategy names them, one op drawn uniformly from the remaining ones
/// (crop, scale, rotate), and cutout when named. Each stage is a `DiffAugment` with DC's grid
/// convention, so the transforms, their strengths and their gradients are DSA's.
struct StagedAugmentation {
  let stages: [DiffAugment]

  /// - Throws: `DiffAugmentError.unknownOperation` for a token that names no op.
  init(strategy: String) throws {
    let ops = try DiffAugment(strategy: strategy).ops
    var stages: [DiffAugment] = []
    for always in [AugmentationOp.flip, .color] where ops.contains(always) {
      stages.append(DiffAugment(ops: [always]))
    }
    let drawn = ops.filter { ![.flip, .color, .cutout].contains($0) }
    if !drawn.isEmpty { stages.append(DiffAugment(ops: drawn)) }
    if ops.contains(.cutout) { stages.append(DiffAugment(ops: [.cutout])) }
    self.stages = stages
  }

  private init(stages: [DiffAugment]) { self.stages = stages }

  /// The same stages without cutout: the reference trains its networks with CutMix instead
  /// of cutout, and drops cutout from their augmentation.
  var withoutCutout: StagedAugmentation {
    StagedAugmentation(stages: stages.filter { $0.ops != [.cutout] })
  }

  var isIdentity: Bool { stages.isEmpty }

  /// Every stage with one shared draw for all samples of all batches (real and synthetic).
  func siamese(_ batches: [Tensor], rng: inout RandomStream) -> [Tensor] {
    var out = batches
    for stage in stages { out = stage.siamese(out, rng: &rng) }
    return out
  }

  /// Every stage with independent per-sample parameters.
  func callAsFunction(_ x: Tensor, rng: inout RandomStream) -> Tensor {
    var out = x
    for stage in stages { out = stage(out, rng: &rng) }
    return out
  }
}

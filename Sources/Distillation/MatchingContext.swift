import Autodiff
import Datasets
import NN
import TensorCore

/// What every backbone reads during one iteration: the source data by class, the augmentation
/// and the network architecture.
struct MatchingContext {
  let options: DistillationOptions
  let source: Dataset
  let classRows: [[Int]]
  let augment: DiffAugment

  init(options: DistillationOptions, source: Dataset) throws {
    self.options = options
    self.source = source
    classRows = (0..<source.classCount).map { source.indices(ofClass: $0) }
    // MTT's code samples with align_corners=True, DC/DSA/DM's with the PyTorch default (SPEC §4).
    augment = try DiffAugment(
      strategy: options.augmentation, parameters: options.method == .mtt ? .mtt : .dc)
  }

  /// Up to `realBatch` random real images of class c (torch's randperm(n)[:batch]).
  func realBatch(ofClass c: Int, rng: inout RandomStream) -> NDArray {
    let pool = classRows[c]
    let take = min(options.realBatch, pool.count)
    return source.images.gatherRows(rng.permutation(pool.count).prefix(take).map { pool[$0] })
  }

  /// A fresh randomly initialised network of the run's architecture.
  func freshNetwork(rng: inout RandomStream) -> ConvNet { ConvNet(options.network, rng: &rng) }

  /// The siamese pair (real, synthetic) under one shared transform, or unchanged without
  /// augmentation.
  func siamese(_ real: Tensor, _ synthetic: Tensor, rng: inout RandomStream) -> (Tensor, Tensor) {
    guard !augment.ops.isEmpty else { return (real, synthetic) }
    let out = augment.siamese([real, synthetic], rng: &rng)
    return (out[0], out[1])
  }
}

/// The matching loss of one iteration and its gradient with respect to the images (and, for
/// MTT, the step size).
struct IterationGradient {
  var loss: Float
  var images: NDArray
  var stepSize: Float? = nil
}

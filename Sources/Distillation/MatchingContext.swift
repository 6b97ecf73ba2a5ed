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
    // MTT's code samples with align_corners=True, DC/DSA/DM's with the PyTorch default
    // (docs/ALGORITHMS.md §4.2).
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

extension MatchingContext {
  /// Σ_c loss(c, real_c, synthetic_c) and its gradient with respect to the images. Class c's
  /// synthetic rows become a leaf, are masked (MDT ratio), and meet a real batch of the class
  /// under one siamese transform; each class's graph is freed before the next is built.
  func sumOverClasses(
    _ images: NDArray, ratio: Float, rng: inout RandomStream,
    loss: (_ label: Int, _ real: Tensor, _ synthetic: Tensor) -> Tensor
  ) -> (Float, NDArray) {
    let ipc = options.imagesPerClass
    var grad = NDArray.zeros(images.shape)
    var total: Float = 0
    for c in 0..<source.classCount {
      let rows = (c * ipc)..<((c + 1) * ipc)
      let leaf = Tensor(sliceRows(images, rows), requiresGrad: true)
      let masked = MaskSchedule.apply(leaf, ratio: ratio, rng: &rng)
      let real = Tensor(realBatch(ofClass: c, rng: &rng))
      let (xr, xs) = siamese(real, masked, rng: &rng)
      let value = loss(c, xr, xs)
      total += value.scalar
      grad.addRows(gradients(of: value, wrt: [leaf])[0].value, at: rows.lowerBound)
    }
    return (total, grad)
  }
}

/// The matching loss of one iteration and its gradient with respect to the images (and, for
/// MTT, the step size).
struct IterationGradient {
  var loss: Float
  var images: NDArray
  var stepSize: Float? = nil
}

/// Rows `rows` of x [N, …] as a new array.
func sliceRows(_ x: NDArray, _ rows: Range<Int>) -> NDArray {
  x.slice(
    lower: [rows.lowerBound] + Array(repeating: 0, count: x.rank - 1),
    upper: [rows.upperBound] + Array(x.shape.dropFirst()))
}

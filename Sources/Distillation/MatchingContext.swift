import Autodiff
import Cluster
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
  ///
  /// Under mpirun, class c's loss and gradient are computed by rank c mod N only; every rank
  /// still draws every class's mask, real batch and transform, so the random stream advances
  /// the same everywhere. Each class's gradient fills only its own rows, so the sum over ranks
  /// (docs/ALGORITHMS.md §18) is exactly the one-process gradient, and the losses are added
  /// in class order as in one process.
  func sumOverClasses(
    _ images: NDArray, ratio: Float, rng: inout RandomStream,
    loss: (_ label: Int, _ real: Tensor, _ synthetic: Tensor) -> Tensor
  ) -> (Float, NDArray) {
    let ipc = options.imagesPerClass
    var grad = NDArray.zeros(images.shape)
    var losses = [Float](repeating: 0, count: source.classCount)
    for c in 0..<source.classCount {
      let rows = (c * ipc)..<((c + 1) * ipc)
      let leaf = Tensor(sliceRows(images, rows), requiresGrad: true)
      let masked = MaskSchedule.apply(leaf, ratio: ratio, rng: &rng)
      let real = Tensor(realBatch(ofClass: c, rng: &rng))
      let (xr, xs) = siamese(real, masked, rng: &rng)
      guard Distribution.owns(c) else { continue }
      let value = loss(c, xr, xs)
      losses[c] = value.scalar
      grad.addRows(gradients(of: value, wrt: [leaf])[0].value, at: rows.lowerBound)
    }
    if Cluster.isDistributed {
      let summed = Cluster.allreduce(grad.data + losses)
      grad = NDArray(shape: grad.shape, data: Array(summed[0..<grad.data.count]))
      losses = Array(summed[grad.data.count...])
    }
    var total: Float = 0
    for value in losses { total += value }
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

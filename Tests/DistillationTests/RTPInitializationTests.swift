import Datasets
import TensorCore
import Testing

@testable import Distillation

/// `init=pca` for RTP: bases from principal components of real images, addresses from their
/// projections (docs/ALGORITHMS.md §16.1).
@Suite struct RTPInitializationTests {
  /// Images that Up can make exactly (upsampled random low-resolution images) come back
  /// exactly when K covers the whole low-resolution space.
  @Test func fullRankMemoryReproducesImagesInTheUpsamplingRange() throws {
    var rng = RandomStream(seed: 11)
    let low = NDArray(shape: [40, 2, 3, 3], data: rng.normal(40 * 18))
    let up = AddressableMemory.upsampling(height: 3, width: 3, factor: 2)
    let images = low.reshaped([80, 9]).matmul(up).reshaped([40, 2, 6, 6])
    let back = try AddressableMemory.lowResolution(images, downsample: 2)
    #expect(maxDifference(back, low) < 1e-4)
    let memory = try AddressableMemory.principalComponents(of: images, bases: 18, downsample: 2)
    #expect(memory.bases.shape == [18, 2, 3, 3] && memory.addresses.shape == [40, 18])
    #expect(maxDifference(memory.images(), images) < 1e-3)
  }

  /// With K below the dimension, the low-resolution images' error is the optimal rank-K error
  /// (Eckart–Young: the energy of the discarded singular values), far below that of a
  /// Xavier-initialised memory of the same shape, and the two factors are balanced.
  @Test func pcaMemoryIsTheBestRankKApproximation() throws {
    // 90 smooth images: three class prototypes at 4×4 plus noise, upsampled to 8×8, plus a
    // little full-resolution noise that no memory at ds = 2 can make.
    var rng = RandomStream(seed: 2)
    let prototypes = rng.normal(3 * 32)
    var low: [Float] = []
    for i in 0..<90 {
      let noise = rng.normal(32, std: 0.3)
      low += (0..<32).map { prototypes[(i % 3) * 32 + $0] + noise[$0] }
    }
    let up = AddressableMemory.upsampling(height: 4, width: 4, factor: 2)
    var images = NDArray(shape: [180, 16], data: low).matmul(up).reshaped([90, 2, 8, 8])
    images.addScaled(NDArray(shape: [90, 2, 8, 8], data: rng.normal(90 * 128, std: 0.05)), 1)
    let k = 4
    let memory = try AddressableMemory.principalComponents(of: images, bases: k, downsample: 2)
    let z = try AddressableMemory.lowResolution(images, downsample: 2).reshaped([90, 32])
    let approx = memory.addresses.matmul(memory.bases.reshaped([k, 32]))
    let error = squaredDistance(approx, z)
    let s = try Linalg.svd(z).s.data
    let optimal = s[k...].reduce(0.0) { $0 + Double($1) * Double($1) }
    #expect(abs(error - optimal) <= 1e-3 * optimal, "rank-\(k) error \(error) vs \(optimal)")

    let xavier = AddressableMemory.initialize(
      classes: 3, perClass: 30, imageShape: [2, 8, 8], bases: k, downsample: 2, rng: &rng)
    let pcaError = squaredDistance(memory.images(), images)
    #expect(pcaError < 0.5 * squaredDistance(xavier.images(), images))

    let (basisNorm, addressNorm) = (norm(memory.bases), norm(memory.addresses))
    #expect(abs(basisNorm - addressNorm) < 1e-3 * addressNorm)
  }

  /// `init=pca` through the distiller: the set starts as rank-K approximations of real images
  /// of the right classes, and the same seed gives the same set.
  @Test func distillerStartsFromRealImagesAndIsSeeded() throws {
    var options = TinyProblem.options(.rtp, iterations: 2)
    options.initialization = .pca
    let source = TinyProblem.source(perClass: 60)
    let distiller = try Distiller(options: options, source: source)
    let start = try distiller.initialState()
    // 53 addresses per class; each class's images keep its pattern (bright rows row % 3 == c).
    #expect(start.set.imagesPerClass == 53)
    for c in 0..<3 {
      let rows = start.set.images.gatherRows(Array(start.set.rows(ofClass: c)))
      var bright = [Double](repeating: 0, count: 3)
      for (i, v) in rows.data.enumerated() { bright[(i % 64) / 8 % 3] += Double(v) }
      #expect(bright.indices.max { bright[$0] < bright[$1] } == c)
    }
    var a = start
    try distiller.run(&a)
    var b = try distiller.initialState()
    try distiller.run(&b)
    #expect(a.set.memory == b.set.memory && a.losses == b.losses)
    #expect(a.set.memory != start.set.memory)
  }

  @Test func pcaIsRTPOnlyAndNeedsEnoughImages() throws {
    var options = TinyProblem.options(.dsa)
    options.initialization = .pca
    #expect(throws: DistillationError.self) {
      try Distiller(options: options, source: TinyProblem.source())
    }
    options = TinyProblem.options(.rtp)
    options.initialization = .pca
    // 53 addresses per class but 12 real images per class.
    let distiller = try Distiller(options: options, source: TinyProblem.source())
    #expect(
      throws: DistillationError.invalidOption(
        .initialization,
        "init=pca starts each of the 53 addresses per class from a real image; class 0 has 12")
    ) { try distiller.initialState() }
  }

  func maxDifference(_ a: NDArray, _ b: NDArray) -> Float {
    zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
  }

  func squaredDistance(_ a: NDArray, _ b: NDArray) -> Double {
    zip(a.data, b.data).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
  }

  func norm(_ a: NDArray) -> Double {
    a.data.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
  }
}

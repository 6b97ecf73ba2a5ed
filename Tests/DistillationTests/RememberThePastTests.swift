import Autodiff
import Datasets
import NN
import TensorCore
import Testing

@testable import Distillation

@Suite(.scratchDirectory) struct RememberThePastTests {
  // MARK: - The memory

  /// The budget rule's worked values for K = 16, ds = 2 on 3×32×32 (10 and 100 classes).
  @Test(arguments: [
    (10, 1, 115), (10, 10, 1843), (10, 50, 9523), (100, 1, 184), (100, 10, 1912), (100, 50, 9592),
  ])
  func budgetRuleGivesTheWorkedValues(classes: Int, ipc: Int, expected: Int) throws {
    let perClass = try AddressableMemory.addressesPerClass(
      budget: ipc, classes: classes, imageShape: [3, 32, 32], bases: 16, downsample: 2)
    #expect(perClass == expected)
  }

  @Test func budgetRuleRefusesWhatCannotFit() {
    // 200 bases of 3×16×16 cost 153,600 floats, more than IPC 1 of CIFAR-10 (30,720).
    #expect(throws: DistillationError.self) {
      try AddressableMemory.addressesPerClass(
        budget: 1, classes: 10, imageShape: [3, 32, 32], bases: 200, downsample: 2)
    }
    #expect(throws: DistillationError.self) {
      try AddressableMemory.addressesPerClass(
        budget: 10, classes: 10, imageShape: [1, 28, 28], bases: 16, downsample: 3)
    }
  }

  /// PyTorch's interpolate(scale_factor=2, mode="bilinear", align_corners=False) of
  /// [[1, 2], [3, 4]], worked by hand: edges clamp, interior weights ¼ and ¾.
  @Test func upsamplingIsBilinearWithHalfPixelCentres() {
    let up = AddressableMemory.upsampling(height: 2, width: 2, factor: 2)
    let x = NDArray(shape: [1, 4], data: [1, 2, 3, 4])
    let y = x.matmul(up).data
    let expected: [Float] = [
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]
    #expect(y == expected)
  }

  /// An image is Up(Σ_k A[r, k] M[k]): with one-hot addresses, the upsampled bases themselves.
  @Test func imagesAreUpsampledCombinations() {
    var rng = RandomStream(seed: 3)
    let bases = NDArray(shape: [3, 2, 4, 4], data: rng.normal(96))
    let addresses = NDArray(shape: [2, 3], data: [1, 0, 0, 0.5, 0, 2])
    let memory = AddressableMemory(bases: bases, addresses: addresses, downsample: 2)
    let images = memory.images()
    #expect(images.shape == [2, 2, 8, 8])
    let up = AddressableMemory.upsampling(height: 4, width: 4, factor: 2)
    let upBases = bases.reshaped([6, 16]).matmul(up).data
    for i in 0..<128 {
      #expect(abs(images.data[i] - upBases[i]) < 1e-6)
      let mixed = 0.5 * upBases[i] + 2 * upBases[256 + i]
      #expect(abs(images.data[128 + i] - mixed) < 1e-5)
    }
    let flat = memory.flattened
    #expect(flat.count == memory.parameterCount)
    #expect(memory.replacing(flattened: flat) == memory)
  }

  // MARK: - The outer gradient

  /// The reverse pass through T momentum steps (mask, sub-batches and the meta-loss's
  /// sub-batches included) equals back-propagation through the fully unrolled graph of one
  /// outer iteration, for the bases and the addresses, to 1e-5.
  @Test func reversePassEqualsTheUnrolledGraph() throws {
    var options = TinyProblem.options(.rtp)
    options.studentChunk = 5  // 12 images per step: sub-batches of 5, 5 and 2
    options.syntheticSteps = 4
    let context = try MatchingContext(options: options, source: TinyProblem.source())
    var initRng = RandomStream(seed: 1)
    let memory = AddressableMemory.initialize(
      classes: 3, perClass: 53, imageShape: [2, 8, 8], bases: 4, downsample: 2, rng: &initRng)
    var rng = RandomStream(seed: 9)
    let result = RememberThePast.gradient(memory, context, ratio: 0.2, rng: &rng)

    var replay = RandomStream(seed: 9)
    let run = InnerRun(memory, context, ratio: 0.2, rng: &replay)
    let bases = Tensor(memory.bases, requiresGrad: true)
    let addresses = Tensor(memory.addresses, requiresGrad: true)
    var w = run.net.parameters.asLeaves()
    var v = w.tensors.map { Tensor(NDArray.zeros($0.shape)) }
    for t in 0..<options.syntheticSteps {
      var g: [Tensor]? = nil
      for c in 0..<run.chunkCount {
        let loss = run.stepLoss(t, chunk: c, w, bases: bases, addresses: addresses)
        let part = gradients(of: loss, wrt: w.tensors, createGraph: true)
        g = g.map { zip($0, part).map { $0 + $1 } } ?? part
      }
      v = zip(v, g ?? []).map { $0 * options.innerMomentum + $1 }
      w = w.replacing(zip(w.tensors, v).map { $0 - $1 * options.networkLearningRate })
    }
    let meta = run.metaLoss(w, rows: Array(0..<run.realLabels.count))
    let reference = gradients(of: meta, wrt: [bases, addresses])
    let expected = reference[0].value.data + reference[1].value.data

    #expect(abs(result.loss - meta.scalar) < 1e-5)
    let scale = expected.map(abs).max() ?? 0
    #expect(scale > 1e-4, "the memory must matter: \(scale)")
    #expect(result.parameters.count == expected.count)
    for (a, b) in zip(result.parameters.data, expected) {
      #expect(abs(a - b) <= 1e-5 * max(1, scale), "\(a) vs \(b)")
    }
  }

  /// MDT masks every inner step's synthetic batch at rate r, the same mask when the reverse
  /// pass rebuilds the step, a different one at each step.
  @Test func everyInnerStepIsMaskedAtTheRatio() throws {
    var options = TinyProblem.options(.rtp)
    options.syntheticBatch = 53  // every address of every class
    let context = try MatchingContext(options: options, source: TinyProblem.source())
    let memory = AddressableMemory(
      bases: NDArray(repeating: 1, shape: [4, 2, 4, 4]),
      addresses: NDArray(repeating: 0.25, shape: [159, 4]), downsample: 2)
    var rng = RandomStream(seed: 2)
    let run = InnerRun(memory, context, ratio: 0.3, rng: &rng)
    let (m, a) = (Tensor(memory.bases), Tensor(memory.addresses))
    var masks: [[Bool]] = []
    for t in 0..<options.syntheticSteps {
      let x = run.images(step: t, bases: m, addresses: a).value
      #expect(x == run.images(step: t, bases: m, addresses: a).value)
      let kept = x.data.map { $0 != 0 }
      let dropped = Double(kept.filter { !$0 }.count) / Double(kept.count)
      // 20,352 Bernoulli(0.3) draws: 4 standard deviations is 0.013.
      #expect(abs(dropped - 0.3) < 0.013, "step \(t): \(dropped)")
      #expect(x.data.allSatisfy { $0 == 0 || abs($0 - 1) < 1e-6 }, "kept values unscaled")
      masks.append(kept)
    }
    #expect(Set(masks).count == masks.count)
    let plain = InnerRun(memory, context, ratio: 0, rng: &rng)
    #expect(plain.images(step: 0, bases: m, addresses: a).value.data.allSatisfy { $0 != 0 })
  }

  // MARK: - Runs

  func distill(iterations: Int, mask: MaskSchedule = .none) throws -> DistillationState {
    var options = TinyProblem.options(.rtp, iterations: iterations)
    options.mask = mask
    let distiller = try Distiller(options: options, source: TinyProblem.source())
    var state = try distiller.initialState()
    try distiller.run(&state)
    return state
  }

  /// The meta-loss of a memory averaged over four fixed draws (network, batches, real images):
  /// one draw's fresh network makes a single value too noisy to compare.
  func fixedLoss(_ memory: AddressableMemory) throws -> Float {
    let options = TinyProblem.options(.rtp)
    let context = try MatchingContext(options: options, source: TinyProblem.source())
    var total: Float = 0
    for seed in UInt64(99)..<103 {
      var rng = RandomStream(seed: seed)
      total += RememberThePast.gradient(memory, context, ratio: 0, rng: &rng).loss
    }
    return total / 4
  }

  @Test func lowersItsOwnLoss() throws {
    let before = try distill(iterations: 0)
    let after = try distill(iterations: 30)
    #expect(after.set.iteration == 30 && after.losses.count == 30)
    let (m0, m1) = (try #require(before.set.memory), try #require(after.set.memory))
    #expect(after.set.images == m1.images())
    let (l0, l1) = (try fixedLoss(m0), try fixedLoss(m1))
    #expect(l1 < l0, "rtp: \(l0) → \(l1)")
  }

  @Test func sameSeedGivesTheSameSet() throws {
    let a = try distill(iterations: 2, mask: .fixed(0.1))
    let b = try distill(iterations: 2, mask: .fixed(0.1))
    #expect(a.set.memory == b.set.memory)
    #expect(a.set.images == b.set.images)
    #expect(a.losses == b.losses)
    let c = try distill(iterations: 2)
    #expect(c.set.memory != a.set.memory, "the mask changes the run")
  }

  /// The set's shape follows the budget rule; it saves and loads with its memory.
  @Test func setSavesAndLoadsWithItsMemory() throws {
    let state = try distill(iterations: 1)
    #expect(state.set.imagesPerClass == 53)
    #expect(state.set.labels.count == 159)
    #expect(state.set.images.shape == [159, 2, 8, 8])
    let path = TinyProblem.temporaryPath("rtp.npz")
    try state.set.save(to: path)
    let back = try SyntheticSet.load(path: path)
    #expect(back == state.set)
    let options = try DistillationState.options(savedIn: path)
    #expect(options == TinyProblem.options(.rtp, iterations: 1))
  }

  @Test func optionsThatCannotWorkAreErrors() throws {
    var options = TinyProblem.options(.rtp)
    options.bases = 100  // 100 bases of 2×4×4 exceed the budget of 2 images per class
    #expect(throws: DistillationError.self) {
      try Distiller(options: options, source: TinyProblem.source())
    }
    options = TinyProblem.options(.rtp)
    options.initialization = .real
    #expect(
      throws: DistillationError.invalidOption(
        .initialization,
        "rtp starts from init=noise (Xavier-uniform bases and addresses, the reference) or "
          + "init=pca (principal components of real images): init=real does not apply")
    ) {
      try Distiller(options: options, source: TinyProblem.source())
    }
  }

  @Test func clippingBoundsTheGlobalNorm() {
    let g = NDArray(shape: [2], data: [3, 4])
    let c = RememberThePast.clipped(g, maxNorm: 2)
    #expect(abs(c.data[0] - 1.2) < 1e-5 && abs(c.data[1] - 1.6) < 1e-5)
    #expect(RememberThePast.clipped(g, maxNorm: 6) == g)
  }
}

import Datasets
import Distillation
import Foundation
import NN
import TensorCore

/// The distillation figures of issue 6, on the settings of Scripts/bench/bench_mtt.py and
/// bench_dc.py (CIFAR-shaped random data; the cost does not depend on the pixel values).
enum DistillationBenchmarks {
  static let network = ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10)

  /// Random 3×32×32 images, `perClass` of each of 10 classes.
  static func source(perClass: Int) -> Dataset {
    var rng = RandomStream(seed: 7)
    let n = perClass * 10
    return try! Dataset(
      name: "random-cifar", images: NDArray(shape: [n, 3, 32, 32], data: rng.normal(n * 3072)),
      labels: (0..<10).flatMap { Array(repeating: $0, count: perClass) }, classCount: 10)
  }

  /// One MTT outer iteration: N student steps on all 100 synthetic images, the normalised
  /// parameter distance, its gradient to the images and the step size, both updates.
  static func mttIteration(steps: Int) {
    var rng = RandomStream(seed: 1)
    let start = ConvNet(network, rng: &rng).parameters.flattened
    let noise = NDArray(shape: start.shape, data: rng.normal(start.count, std: 0.01))
    let trajectory = NDArray(
      shape: [3, start.count], data: start.data + (start + noise).data + (start + noise).data)
    var options = DistillationOptions(method: .mtt, imagesPerClass: 10, network: network)
    options.augmentation = "none"
    options.syntheticSteps = steps
    options.expertEpochs = 1
    options.maxStartEpoch = 1
    options.iterations = 1
    if let chunk = ProcessInfo.processInfo.environment["DDCAL_MTT_CHUNK"].flatMap(Int.init) {
      options.studentChunk = chunk
    }
    let experts = ExpertBuffer(network: network, trajectories: [trajectory])
    measure(
      "MTT outer iteration (N=\(steps), 100 images 3x32x32, width 128, batch_syn 100, chunk \(options.studentChunk))",
      reference: "PyTorch ≈ 39 s, 7.3 GiB", options: options, source: source(perClass: 10),
      experts: experts)
  }

  /// One DC matching step at IPC 10: per class, 256 real and 10 synthetic images, the 'ours'
  /// distance, its gradient to the images (double backward) and the pixel update.
  static func dcMatchingStep() {
    var options = DistillationOptions(method: .dc, imagesPerClass: 10, network: network)
    options.outerLoop = 1
    options.innerLoop = 0
    options.iterations = 1
    measure(
      "DC matching step (IPC 10, 10 classes x (256 real + 10 synthetic), width 128)",
      reference: "PyTorch ≈ 14.1 s", options: options, source: source(perClass: 256), experts: nil)
  }

  /// One RTP outer iteration per T in `steps` (ascending, one process, so a peak that grew
  /// with T would show): RTP's README setting with addressing on CIFAR-10 — K = 16 bases of
  /// 3×16×16, IPC 1 budget (115 addresses per class), 64 real images per class, width 128, no
  /// augmentation — scaled to a CPU by taking 10 (not 32) synthetic images per class per inner
  /// step and T of 10 and 20 (not 150) inner SGD-momentum steps.
  static func rtpIterations(steps: [Int]) {
    for t in steps {
      var options = DistillationOptions(method: .rtp, imagesPerClass: 1, network: network)
      (options.syntheticSteps, options.syntheticBatch, options.iterations) = (t, 10, 1)
      if let chunk = ProcessInfo.processInfo.environment["DDCAL_RTP_CHUNK"].flatMap(Int.init) {
        options.studentChunk = chunk
      }
      measure(
        "RTP outer iteration (T=\(t), K 16 bases 3x16x16, 115 addresses/class, 10/class per step, "
          + "640 real, width 128, chunk \(options.studentChunk))",
        reference: "Scripts/bench/bench_rtp.py", options: options, source: source(perClass: 64),
        experts: nil)
    }
  }

  static func measure(
    _ label: String, reference: String, options: DistillationOptions, source: Dataset,
    experts: ExpertBuffer?
  ) {
    let before = Benchmarks.peakMemoryMiB()
    var times: [Double] = []
    for _ in 0..<max(1, min(repeats, 3)) {
      guard let distiller = try? Distiller(options: options, source: source, experts: experts),
        var state = try? distiller.initialState()
      else { return print("\(label): could not set up") }
      times.append(Benchmarks.time { try? distiller.run(&state) })
    }
    let s = Benchmarks.summary(times)
    print(
      String(
        format: "%@: %.2f s [%.2f…%.2f], peak RSS %.0f MiB (%.0f MiB before) — %@", label, s.median,
        s.min, s.max, Benchmarks.peakMemoryMiB(), before, reference))
  }
}

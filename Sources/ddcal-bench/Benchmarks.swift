import Autodiff
import Foundation
import NN
import Optim
import TensorCore
import Training

/// The individual measurements of ddcal-bench.
enum Benchmarks {
  struct Setup {
    var name: String
    var channels: Int
    var size: Int
    /// Forward+backward FLOPs of one training image (conv and linear multiply-adds × 2 × 3).
    var trainFlops: Double
  }

  static let convNetSetups = [
    Setup(name: "3x32x32 w128", channels: 3, size: 32, trainFlops: 305e6),
    Setup(name: "1x28x28 w128 pad3", channels: 1, size: 28, trainFlops: 0),
  ]

  static func time(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  static func summary(_ values: [Double]) -> (median: Double, min: Double, max: Double) {
    let sorted = values.sorted()
    return (sorted[sorted.count / 2], sorted.first ?? 0, sorted.last ?? 0)
  }

  /// GFLOP/s of a 2048×2048×2048 SGEMM, median of `repeats` after a warm-up.
  static func sgemmRate() -> Double {
    let n = 2048
    var rng = RandomStream(seed: 1)
    let a = NDArray(shape: [n, n], data: rng.uniform(n * n))
    let b = NDArray(shape: [n, n], data: rng.uniform(n * n))
    _ = a.matmul(b)
    let rates = (0..<repeats).map { _ in 2 * pow(Double(n), 3) / time { _ = a.matmul(b) } / 1e9 }
    return summary(rates).median
  }

  /// FLOPs of one forward pass of ConvNet-3 (multiply-adds × 2, convs and classifier).
  static func forwardFlops(_ c: ConvNetConfig) -> Double {
    var total = 0.0
    var inChannels = c.channels
    for block in 0..<c.depth {
      let pad = block == 0 ? c.firstPadding : 1
      let (h, w) =
        block == 0
        ? (c.height + 2 * pad - 2, c.width + 2 * pad - 2) : c.featureSize(afterBlock: block - 1)
      total += 2 * Double(inChannels * 9 * c.netWidth * h * w)
      inChannels = c.netWidth
    }
    return total + 2 * Double(c.featureCount * c.classes)
  }

  static func convNetThroughput(_ setup: Setup, sgemmRate: Double) {
    let config = ConvNetConfig(
      channels: setup.channels, height: setup.size, width: setup.size, classes: 10)
    var rng = RandomStream(seed: 0)
    let model = ConvNet(config, rng: &rng)
    let batch = 256
    let x = NDArray(
      shape: [batch, setup.channels, setup.size, setup.size],
      data: rng.normal(batch * setup.channels * setup.size * setup.size))
    let labels = (0..<batch).map { $0 % 10 }
    let trainer = Trainer(options: TrainingOptions(epochs: 1, batchSize: batch))
    _ = try? trainer.train(model, images: x, labels: labels)
    let trainTimes = (0..<repeats).map { _ in
      time { _ = try? trainer.train(model, images: x, labels: labels) }
    }
    _ = Evaluation.evaluate(model, images: x, labels: labels)
    let evalTimes = (0..<repeats).map { _ in
      time { _ = Evaluation.evaluate(model, images: x, labels: labels) }
    }
    let forward = forwardFlops(config)
    // Training ≈ 3 forward passes (forward, input gradient, filter gradient); the first
    // layer's input gradient is skipped, as in PyTorch. These are direct-convolution FLOPs:
    // the Winograd layers multiply 2.25× less, so the rate can exceed SGEMM's.
    let trainFlops = 3 * forward
    let t = summary(trainTimes.map { Double(batch) / $0 })
    let e = summary(evalTimes.map { Double(batch) / $0 })
    print(
      String(
        format:
          "ConvNet-3 %@ batch 256: train %.0f img/s [%.0f…%.0f] = %.1f direct GFLOP/s = %.0f%% of SGEMM;"
          + " eval %.0f img/s [%.0f…%.0f] = %.0f%% of SGEMM  (%.0f MFLOP/img train)",
        setup.name, t.median, t.min, t.max, t.median * trainFlops / 1e9,
        100 * t.median * trainFlops / 1e9 / sgemmRate, e.median, e.min, e.max,
        100 * e.median * forward / 1e9 / sgemmRate, trainFlops / 1e6))
  }

  /// One second-order step: 100 images 3×32×32, `steps` unrolled SGD steps of a ConvNet-3
  /// student, a normalised parameter-distance loss, and its gradient to the images and to η
  /// (UnrolledSGD: one step's graph at a time, memory flat in the number of steps).
  static func secondOrderStep(images: Int, steps: Int) {
    let config = ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10)
    var rng = RandomStream(seed: 3)
    let model = ConvNet(config, rng: &rng)
    let x = Tensor(
      NDArray(shape: [images, 3, 32, 32], data: rng.normal(images * 3 * 32 * 32)),
      requiresGrad: true)
    let labels = (0..<images).map { $0 % 10 }
    let target = ConvNet(config, rng: &rng).parameters.values
    let before = peakMemoryMiB()
    var result: UnrolledSGD.Result?
    let seconds = time {
      result = UnrolledSGD.gradients(
        start: model.parameters, steps: steps, learningRate: 0.01, inputs: [x],
        stepLoss: { _, p in Losses.crossEntropy(model.forward(x, with: p), labels: labels) },
        finalLoss: { p in
          zip(p.tensors, target).map { ($0 - Tensor($1)).square().sum() }
            .reduce(Tensor(scalar: 0), +)
        })
    }
    let norm = result.map { sqrt($0.inputGradients[0].dot($0.inputGradients[0])) } ?? 0
    print(
      String(
        format: "second-order step (%d images 3x32x32, %d unrolled SGD steps, gradient to images"
          + " and lr): %.2f s, peak RSS %.0f MiB (%.0f MiB before); |dL/dx| = %.3g",
        images, steps, seconds, peakMemoryMiB(), before, norm))
  }

  /// Peak resident set size of this process (VmHWM).
  static func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
      return kb / 1024
    }
    return 0
  }
}

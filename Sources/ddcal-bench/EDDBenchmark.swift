import Datasets
import Distillation
import NN
import TensorCore

extension DistillationBenchmarks {
  /// One EDD outer iteration with the reference's loop sizes (docs/ALGORITHMS.md §15.5) on
  /// Fashion-MNIST-shaped random data at the example's width 32: a pool member perturbed, then
  /// 100 rounds of 10 per-class matching steps (64 real + 10 synthetic images, l1 over the conv
  /// weights, double backward, pixel step) and 500 real images of network updates.
  static func eddIteration() {
    let network = ConvNetConfig(channels: 1, height: 28, width: 28, classes: 10, netWidth: 32)
    var rng = RandomStream(seed: 1)
    let start = ConvNet(network, rng: &rng).parameters.flattened
    let trajectory = NDArray(
      shape: [3, start.count], data: Array(repeating: start.data, count: 3).flatMap { $0 })
    let pool = ExpertBuffer(network: network, trajectories: [trajectory])
    var options = DistillationOptions(method: .edd, imagesPerClass: 10, network: network)
    options.iterations = 1
    let n = 640
    let source = try! Dataset(
      name: "random-fmnist", images: NDArray(shape: [n, 1, 28, 28], data: rng.normal(n * 784)),
      labels: (0..<10).flatMap { Array(repeating: $0, count: n / 10) }, classCount: 10)
    measure(
      "EDD outer iteration (IPC 10, 100 rounds x 10 classes x (64 real + 10 synthetic), 1x28x28, width 32)",
      reference: "no PyTorch run", options: options, source: source, experts: pool)
  }
}

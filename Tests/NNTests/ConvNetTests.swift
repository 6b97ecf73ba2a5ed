import Autodiff
import NN
import TensorCore
import Testing

@Suite struct ConvNetTests {
  @Test func parameterCountsMatchTheReference() {
    var rng = RandomStream(seed: 0)
    let cifar = ConvNet(ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10), rng: &rng)
    #expect(cifar.parameters.scalarCount == 320_010)
    let fmnist = ConvNet(ConvNetConfig(channels: 1, height: 28, width: 28, classes: 10), rng: &rng)
    #expect(fmnist.parameters.scalarCount == 317_706)
    #expect(fmnist.config.firstPadding == 3)
    #expect(fmnist.config.featureCount == 2048)
  }

  @Test func parameterOrderIsTheReferenceOrder() {
    var rng = RandomStream(seed: 0)
    let net = ConvNet(
      ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10, depth: 2, netWidth: 8),
      rng: &rng)
    #expect(
      net.parameters.names == [
        "conv1.weight", "conv1.bias", "norm1.weight", "norm1.bias", "conv2.weight", "conv2.bias",
        "norm2.weight", "norm2.bias", "classifier.weight", "classifier.bias",
      ])
    let none = ConvNet(
      ConvNetConfig(
        channels: 3, height: 32, width: 32, classes: 10, depth: 2, netWidth: 8, norm: .none),
      rng: &rng)
    #expect(none.parameters.count == 6)
  }

  @Test func initialisationFollowsPyTorchBounds() {
    var rng = RandomStream(seed: 5)
    let net = ConvNet(ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10), rng: &rng)
    let w1 = net.parameters["conv1.weight"]!.value
    let bound = 1 / Float(27).squareRoot()
    #expect(w1.data.allSatisfy { abs($0) <= bound })
    #expect((w1.data.map { abs($0) }.max() ?? 0) > 0.9 * bound)
    #expect(net.parameters["norm1.weight"]!.value.data.allSatisfy { $0 == 1 })
    #expect(net.parameters["norm1.bias"]!.value.data.allSatisfy { $0 == 0 })
  }

  @Test(arguments: [NormKind.instance, .batch, .none], [PoolKind.avg, .max, .none])
  func forwardShapes(norm: NormKind, pool: PoolKind) {
    var rng = RandomStream(seed: 1)
    let config = ConvNetConfig(
      channels: 1, height: 28, width: 28, classes: 10, depth: 3, netWidth: 4, norm: norm,
      pooling: pool)
    let net = ConvNet(config, rng: &rng)
    let x = Tensor(NDArray(shape: [2, 1, 28, 28], data: rng.normal(2 * 784)))
    #expect(net.forward(x, training: true).shape == [2, 10])
    #expect(net.forward(x).shape == [2, 10])
  }

  /// The functional form: the same network on an explicit parameter set equals the module.
  @Test func functionalForwardUsesTheGivenParameters() {
    var rng = RandomStream(seed: 2)
    let config = ConvNetConfig(channels: 3, height: 8, width: 8, classes: 3, depth: 2, netWidth: 4)
    let a = ConvNet(config, rng: &rng)
    let b = ConvNet(config, rng: &rng)
    let x = Tensor(NDArray(shape: [2, 3, 8, 8], data: rng.normal(2 * 192)))
    #expect(a.forward(x, with: b.parameters).value == b.forward(x).value)
    #expect(a.forward(x).value != b.forward(x).value)
  }

  /// A constant input takes the fused first block (`convInstanceNormReLUPool`), an input
  /// requiring gradients the unfused ops: same logits and parameter gradients. The 32×32
  /// first layer runs im2col one image per block either way, so they agree bit for bit.
  @Test func constantInputFusedBlockEqualsUnfused() {
    var rng = RandomStream(seed: 3)
    let config = ConvNetConfig(
      channels: 3, height: 32, width: 32, classes: 4, depth: 2, netWidth: 8)
    let net = ConvNet(config, rng: &rng)
    let images = NDArray(shape: [3, 3, 32, 32], data: rng.normal(3 * 3072))
    func run(_ x: Tensor) -> [NDArray] {
      let theta = net.parameters.asLeaves()
      let logits = net.forward(x, with: theta, training: true)
      let loss = Losses.crossEntropy(logits, labels: [0, 2, 3])
      return [logits.value] + gradients(of: loss, wrt: theta.tensors).map(\.value)
    }
    let fused = run(Tensor(images))
    let unfused = run(Tensor(images, requiresGrad: true))
    for (name, (a, b)) in zip(["logits"] + net.parameters.names, zip(fused, unfused)) {
      if name == "conv1.bias" {
        // Analytically zero (instance norm removes it); summed in another order.
        #expect(zip(a.data, b.data).allSatisfy { abs($0 - $1) < 1e-6 }, "\(name)")
      } else {
        #expect(a == b, "\(name)")
      }
    }
  }

  @Test func invalidConfigurationsThrow() {
    #expect(throws: ShapeError.self) {
      try ConvNetConfig(channels: 3, height: 4, width: 4, classes: 10, depth: 5).validate()
    }
    #expect(throws: ShapeError.self) {
      try ConvNetConfig(channels: 3, height: 32, width: 32, classes: 1).validate()
    }
  }

  @Test func flattenRoundTrip() {
    var rng = RandomStream(seed: 3)
    let net = ConvNet(
      ConvNetConfig(channels: 1, height: 8, width: 8, classes: 2, depth: 1, netWidth: 2), rng: &rng)
    let flat = net.parameters.flattened
    #expect(flat.count == net.parameters.scalarCount)
    #expect(net.parameters.unflattened(flat).values == net.parameters.values)
  }

  @Test(arguments: [
    ConvNetConfig(channels: 1, height: 28, width: 28, classes: 10, netWidth: 100_000),
    ConvNetConfig(channels: 1, height: 1 << 31, width: 1 << 31, classes: 10),
    ConvNetConfig(channels: 1, height: 28, width: 28, classes: 10, depth: .max),
    ConvNetConfig(channels: 1, height: 28, width: 28, classes: 1 << 62),
    ConvNetConfig(channels: 65, height: 28, width: 28, classes: 10),
  ])
  func configurationsBeyondTheLimitsAreRefused(_ config: ConvNetConfig) {
    #expect(throws: ShapeError.self) { try config.validate() }
    #expect(ConvNetConfig(code: config.code) == nil)
  }

  @Test func parameterCountMatchesTheBuiltNetwork() {
    var rng = RandomStream(seed: 1)
    for config in [
      ConvNetConfig(channels: 3, height: 32, width: 32, classes: 10),
      ConvNetConfig(
        channels: 1, height: 28, width: 28, classes: 7, depth: 2, netWidth: 5, norm: .none),
    ] {
      #expect(ConvNet(config, rng: &rng).parameters.scalarCount == config.parameterCount)
      #expect(config.activationsPerImage > 0)
    }
  }
}

import Autodiff
import NN
import TensorCore
import TestSupport
import Testing

@testable import Distillation

/// DC's image gradient goes through a gradient (second order): check it against finite
/// differences of the matching distance itself, with and without a siamese DSA transform.
@Suite struct GradientMatchingCheckTests {
  /// A smooth stand-in for the ConvNet (tanh instead of ReLU, whose kinks make the gradient
  /// of a gradient jump under finite differences): conv 3×3 → tanh → avg pool → linear.
  func forward(_ x: Tensor, _ p: [Tensor]) -> Tensor {
    let h = x.conv2d(p[0], bias: p[1], padding: 1).tanh().avgPool2d(kernel: 2, stride: 2)
    return h.flattenedRows().matmul(p[2], transposeOther: true)
  }

  func distance(_ x: Tensor, augment: DiffAugment?) -> Tensor {
    var rng = RandomStream(seed: 21)
    let p = [
      Tensor(NDArray(shape: [3, 1, 3, 3], data: rng.normal(27, std: 0.5)), requiresGrad: true),
      Tensor(NDArray(shape: [3], data: rng.normal(3, std: 0.1)), requiresGrad: true),
      Tensor(NDArray(shape: [2, 27], data: rng.normal(54, std: 0.3)), requiresGrad: true),
    ]
    let real = Tensor(NDArray(shape: [6, 1, 6, 6], data: rng.normal(216)))
    var xr = real
    var xs = x
    if let augment {
      var draw = RandomStream(seed: 4)
      let out = augment.siamese([real, x], rng: &draw)
      (xr, xs) = (out[0], out[1])
    }
    let gr = gradients(
      of: Losses.crossEntropy(forward(xr, p), labels: [0, 1, 0, 1, 1, 0]), wrt: p
    ).map { $0.detached() }
    let gs = gradients(
      of: Losses.crossEntropy(forward(xs, p), labels: [1, 0]), wrt: p, createGraph: true)
    return MatchingDistance.layerwise(synthetic: gs, real: gr)
  }

  @Test(arguments: ["none", "rotate", "scale", "color", "crop", "cutout", "flip"])
  func imageGradientMatchesFiniteDifferences(_ strategy: String) throws {
    var rng = RandomStream(seed: 9)
    let x = NDArray(shape: [2, 1, 6, 6], data: rng.normal(72))
    let augment = strategy == "none" ? nil : try DiffAugment(strategy: strategy)
    let report = GradientCheck.check(
      inputs: [x], eps: 1e-2, rtol: 1e-2, atol: 1e-4, maxElementsPerInput: 24, seed: 3
    ) { xs in
      distance(xs[0], augment: augment)
    }
    #expect(report.passed, "\(strategy): \(report)")
  }
}

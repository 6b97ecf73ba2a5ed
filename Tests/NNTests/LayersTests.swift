import Autodiff
import Foundation
import NN
import TensorCore
import Testing

@Suite struct LayersTests {
  /// The fused instance norm equals the textbook composition, values and gradients.
  @Test func instanceNormMatchesComposition() {
    var rng = RandomStream(seed: 4)
    let x = Tensor(
      NDArray(shape: [2, 3, 5, 4], data: rng.normal(120, mean: 1, std: 2)), requiresGrad: true)
    let fused = x.instanceStandardized()
    let centered = x - x.mean(axes: [2, 3], keepDims: true)
    let composed = centered / (centered.square().mean(axes: [2, 3], keepDims: true) + 1e-5).sqrt()
    for (a, b) in zip(fused.value.data, composed.value.data) { #expect(abs(a - b) < 1e-4) }
    let w = Tensor(NDArray(shape: [2, 3, 5, 4], data: rng.normal(120)))
    let g1 = gradients(of: (fused * w).sum(), wrt: [x])[0].value
    let g2 = gradients(of: (composed * w).sum(), wrt: [x])[0].value
    for (a, b) in zip(g1.data, g2.data) { #expect(abs(a - b) < 1e-3) }
  }

  /// Second order: the Hessian-vector product through the fused norm equals the composition's.
  @Test func instanceNormSecondOrderMatchesComposition() {
    var rng = RandomStream(seed: 6)
    let value = NDArray(shape: [1, 2, 3, 3], data: rng.normal(18))
    let w = Tensor(NDArray(shape: [1, 2, 3, 3], data: rng.normal(18)))
    let v = Tensor(NDArray(shape: [1, 2, 3, 3], data: rng.normal(18)))
    func hvp(_ f: (Tensor) -> Tensor) -> NDArray {
      let x = Tensor(value, requiresGrad: true)
      let g = gradients(of: (f(x).square() * w).sum(), wrt: [x], createGraph: true)[0]
      return gradients(of: (g * v).sum(), wrt: [x])[0].value
    }
    let fused = hvp { $0.instanceStandardized() }
    let composed = hvp { x in
      let c = x - x.mean(axes: [2, 3], keepDims: true)
      return c / (c.square().mean(axes: [2, 3], keepDims: true) + 1e-5).sqrt()
    }
    for (a, b) in zip(fused.data, composed.data) { #expect(abs(a - b) < 2e-3 * max(1, abs(b))) }
  }

  @Test func linearComputesXWTransposePlusBias() {
    let x = Tensor(NDArray(shape: [1, 2], data: [1, 2]))
    let w = Tensor(NDArray(shape: [3, 2], data: [1, 0, 0, 1, 1, 1]))
    let b = Tensor(NDArray(shape: [3], data: [10, 20, 30]))
    #expect(Layers.linear(x, weight: w, bias: b).value.data == [11, 22, 33])
  }

  @Test func batchNormUsesRunningStatisticsInEvaluation() {
    let x = Tensor(NDArray(shape: [2, 1, 1, 2], data: [1, 2, 3, 4]))
    let y = Layers.batchNorm(
      x, gamma: nil, beta: nil, mean: NDArray(shape: [1], data: [1]),
      variance: NDArray(shape: [1], data: [4]), eps: 0)
    #expect(y.value.data == [0, 0.5, 1, 1.5])
    let train = Layers.batchNorm(x, gamma: nil, beta: nil, mean: nil, variance: nil)
    #expect(abs(train.value.mean().scalar) < 1e-6)
  }
}

@Suite struct LossesTests {
  @Test func crossEntropyOfUniformLogitsIsLogK() {
    let logits = Tensor(NDArray.zeros([3, 4]))
    #expect(abs(Losses.crossEntropy(logits, labels: [0, 1, 3]).scalar - log(Float(4))) < 1e-6)
  }

  @Test func softTargetsEqualHardTargetsWhenOneHot() {
    var rng = RandomStream(seed: 1)
    let logits = Tensor(NDArray(shape: [2, 3], data: rng.normal(6)))
    let onehot = Tensor(NDArray(shape: [2, 3], data: [0, 1, 0, 0, 0, 1]))
    let hard = Losses.crossEntropy(logits, labels: [1, 2]).scalar
    #expect(abs(Losses.crossEntropy(logits, targets: onehot).scalar - hard) < 1e-6)
  }

  @Test func labelSmoothingInterpolatesNLLAndUniformTerm() {
    let logits = Tensor(NDArray(shape: [1, 2], data: [2, 0]))
    let logp = logits.value.logSoftmaxRows().data
    let expected = 0.9 * -logp[0] + 0.1 * -(logp[0] + logp[1]) / 2
    #expect(abs(Losses.labelSmoothing(logits, labels: [0], epsilon: 0.1).scalar - expected) < 1e-6)
  }

  @Test func focalLossWithGammaZeroIsCrossEntropy() {
    var rng = RandomStream(seed: 2)
    let logits = Tensor(NDArray(shape: [4, 3], data: rng.normal(12)))
    let ce = Losses.crossEntropy(logits, labels: [0, 1, 2, 0]).scalar
    #expect(abs(Losses.focal(logits, labels: [0, 1, 2, 0], gamma: 0).scalar - ce) < 1e-6)
    let p = logits.value.softmaxRows().data[0]
    let single = Tensor(NDArray(shape: [1, 3], data: Array(logits.value.data[0..<3])))
    let expected = -pow(1 - p, 3) * log(p)
    #expect(abs(Losses.focal(single, labels: [0], gamma: 3).scalar - expected) < 1e-5)
  }

  @Test func mseIsMeanOfSquares() {
    let a = Tensor(NDArray(shape: [2], data: [1, 3]))
    let b = Tensor(NDArray(shape: [2], data: [0, 1]))
    #expect(Losses.mse(a, b).scalar == 2.5)
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

@testable import Distillation

@Suite struct MatchingDistanceTests {
  /// Rows [1, 0] vs [0, 1] (orthogonal: 1) and [1, 1] vs [2, 2] (parallel: ≈ 0); the bias
  /// contributes nothing however different.
  @Test func handComputedCase() {
    let gs = [
      Tensor(NDArray(shape: [2, 2], data: [1, 0, 1, 1])),
      Tensor(NDArray(shape: [2], data: [5, -5])),
    ]
    let gr = [
      Tensor(NDArray(shape: [2, 2], data: [0, 1, 2, 2])),
      Tensor(NDArray(shape: [2], data: [-3, 9])),
    ]
    let d = MatchingDistance.layerwise(synthetic: gs, real: gr).scalar
    let parallel = 1 - 4 / (Float(2).squareRoot() * Float(8).squareRoot() + 1e-6)
    #expect(abs(d - (1 + parallel)) < 1e-6)
  }

  /// A conv filter [out, in, kh, kw] is compared per output filter.
  @Test func convFiltersAreComparedPerOutputChannel() {
    var rng = RandomStream(seed: 3)
    let a = NDArray(shape: [3, 2, 3, 3], data: rng.normal(54))
    let d = MatchingDistance.layerwise(synthetic: [Tensor(a)], real: [Tensor(a * 2)]).scalar
    #expect(abs(d) < 1e-5)
    let flipped = MatchingDistance.layerwise(synthetic: [Tensor(a)], real: [Tensor(a * -1)]).scalar
    #expect(abs(flipped - 6) < 1e-4)
  }

  /// The distance's gradient with respect to the synthetic gradients passes a finite-difference
  /// check, and stays finite at an all-zero row (a dead unit), which the √ shift guarantees.
  @Test func gradientMatchesFiniteDifferences() {
    var rng = RandomStream(seed: 5)
    let real = Tensor(NDArray(shape: [3, 4], data: rng.normal(12)))
    let synthetic = NDArray(shape: [3, 4], data: rng.normal(12))
    let report = GradientCheck.check(
      inputs: [synthetic], eps: 1e-2, rtol: 1e-3, atol: 1e-4, seed: 1
    ) { xs in
      MatchingDistance.layerwise(synthetic: [xs[0]], real: [real])
    }
    #expect(report.passed, "\(report)")

    var values = synthetic.data
    for i in 8..<12 { values[i] = 0 }
    let leaf = Tensor(NDArray(shape: [3, 4], data: values), requiresGrad: true)
    let g = gradients(of: MatchingDistance.layerwise(synthetic: [leaf], real: [real]), wrt: [leaf])
    #expect(g[0].value.isFinite)
  }
}

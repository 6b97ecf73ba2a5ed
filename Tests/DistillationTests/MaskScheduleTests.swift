import Autodiff
import TensorCore
import Testing

@testable import Distillation

@Suite struct MaskScheduleTests {
  @Test(arguments: [Float(0.1), 0.3, 0.7])
  func dropsTheRequestedFraction(_ r: Float) {
    var rng = RandomStream(seed: 4)
    let x = Tensor(NDArray.ones([40, 1, 25, 25]))
    let masked = MaskSchedule.apply(x, ratio: r, rng: &rng).value
    let dropped = Double(masked.data.filter { $0 == 0 }.count) / Double(masked.count)
    // 25,000 Bernoulli draws: 4 standard deviations is below 0.013.
    #expect(abs(dropped - Double(r)) < 0.013)
    #expect(masked.data.allSatisfy { $0 == 0 || $0 == 1 }, "kept elements are not rescaled")
  }

  @Test func gradientIsZeroExactlyWhereMasked() {
    var rng = RandomStream(seed: 8)
    let values = NDArray(shape: [3, 2, 4, 4], data: rng.normal(96, mean: 2))
    let x = Tensor(values, requiresGrad: true)
    let masked = MaskSchedule.apply(x, ratio: 0.4, rng: &rng)
    let g = gradients(of: (masked * masked).sum(), wrt: [x])[0].value
    for i in 0..<values.count {
      if masked.value.data[i] == 0 {
        #expect(g.data[i] == 0)
      } else {
        #expect(abs(g.data[i] - 2 * values.data[i]) < 1e-5)
      }
    }
  }

  @Test func zeroRatioIsTheIdentity() {
    var rng = RandomStream(seed: 1)
    let x = Tensor(NDArray.ones([2, 3]))
    #expect(MaskSchedule.apply(x, ratio: 0, rng: &rng) === x)
  }

  @Test func dynamicRatiosStayInTheirRange() throws {
    var rng = RandomStream(seed: 2)
    let schedule = MaskSchedule.dynamic(minimum: 0.05, maximum: 0.1)
    let ratios = (0..<200).map { _ in schedule.ratio(rng: &rng) }
    #expect(ratios.allSatisfy { (0.05...0.1).contains($0) })
    #expect(Set(ratios).count > 100)
    #expect(throws: DistillationError.self) { try MaskSchedule.fixed(1).validate() }
    #expect(throws: DistillationError.self) {
      try MaskSchedule.dynamic(minimum: 0.3, maximum: 0.1).validate()
    }
  }

  @Test func parsesTheShellSpelling() throws {
    #expect(try DistillationOptions.mask("none") == MaskSchedule.none)
    #expect(try DistillationOptions.mask("0") == MaskSchedule.none)
    #expect(try DistillationOptions.mask("0.1") == .fixed(0.1))
    #expect(try DistillationOptions.mask("ds:0:0.1") == .dynamic(minimum: 0, maximum: 0.1))
    #expect(throws: DistillationError.self) { try DistillationOptions.mask("ds:0.1") }
  }
}

import Autodiff
import Foundation
import NN
import Optim
import TensorCore
import Testing

private struct Fixture: Decodable {
  struct Case: Decodable {
    let lr: Float
    let momentum: Float
    let weight_decay: Float
    let steps: Int
    let start: [Float]
    let gradient: [Float]
    let expected: [Double]
  }
  let cases: [Case]
}

private func loadFixture() throws -> Fixture {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/sgd.json")
  return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
}

@Suite struct SGDTests {
  @Test func inPlaceTrainerMatchesReferenceScript() throws {
    for c in try loadFixture().cases {
      let rule = SGD(learningRate: c.lr, momentum: c.momentum, weightDecay: c.weight_decay)
      let trainer = SGDTrainer(rule, parameterCount: 1)
      var params = ParameterSet(names: ["p"], tensors: [Tensor(NDArray(shape: [4], data: c.start))])
      for _ in 0..<c.steps {
        trainer.update(&params, gradients: [NDArray(shape: [4], data: c.gradient)])
      }
      for (got, want) in zip(params.tensors[0].value.data, c.expected) {
        #expect(abs(Double(got) - want) < 1e-5, "lr \(c.lr) mu \(c.momentum): \(got) vs \(want)")
      }
    }
  }

  @Test func pureStepMatchesInPlaceTrainer() throws {
    for c in try loadFixture().cases {
      let rule = SGD(learningRate: c.lr, momentum: c.momentum, weightDecay: c.weight_decay)
      var p = Tensor(NDArray(shape: [4], data: c.start))
      var v: Tensor? = nil
      let g = Tensor(NDArray(shape: [4], data: c.gradient))
      for _ in 0..<c.steps { (p, v) = rule.step(p, gradient: g, velocity: v) }
      for (got, want) in zip(p.value.data, c.expected) {
        #expect(abs(Double(got) - want) < 1e-5)
      }
    }
  }

  /// S4TF's convergence check: one weight and bias fitting y = x + 1.
  @Test func convergesOnLinearFunction() {
    let x = Tensor(NDArray(shape: [8, 1], data: (0..<8).map { Float($0) / 4 }))
    let y = Tensor(NDArray(shape: [8, 1], data: (0..<8).map { Float($0) / 4 + 1 }))
    var params = ParameterSet(
      names: ["w", "b"],
      tensors: [
        Tensor(NDArray(shape: [1, 1], data: [0.3])), Tensor(NDArray(shape: [1], data: [0])),
      ])
    let trainer = SGDTrainer(SGD(learningRate: 0.1, momentum: 0.9), parameterCount: 2)
    for _ in 0..<300 {
      let leaves = params.asLeaves()
      let loss = Losses.mse(Layers.linear(x, weight: leaves.tensors[0], bias: leaves.tensors[1]), y)
      trainer.update(&params, gradients: gradients(of: loss, wrt: leaves.tensors).map(\.value))
    }
    #expect(abs(params.tensors[0].value.data[0] - 1) < 1e-3)
    #expect(abs(params.tensors[1].value.data[0] - 1) < 1e-3)
  }

  /// The pure step is differentiable in the learning rate (MTT learns it):
  /// p1 = p0 − η g ⇒ ∂p1/∂η = −g.
  @Test func pureStepIsDifferentiableInLearningRate() {
    let eta = Tensor(NDArray(scalar: 0.1), requiresGrad: true)
    let p = Tensor(NDArray(shape: [2], data: [1, 2]))
    let g = Tensor(NDArray(shape: [2], data: [3, -4]))
    let (next, _) = SGD(learningRate: 0).step(p, gradient: g, velocity: nil, learningRate: eta)
    let d = gradients(of: next.sum(), wrt: [eta])[0]
    #expect(abs(d.scalar - 1) < 1e-6)  // −(3 − 4)
  }
}

@Suite struct ScheduleTests {
  @Test func stepAtHalfDecaysAfterHalfTimePlusOne() {
    let s = Schedule.stepAtHalf(factor: 0.1)
    let rates = (0..<10).map { s.rate(base: 1, epoch: $0, epochs: 10) }
    #expect(rates.prefix(7).allSatisfy { $0 == 1 })
    #expect(rates.suffix(3).allSatisfy { abs($0 - 0.1) < 1e-7 })
    #expect(s.isDecayEpoch(7, epochs: 10))
    #expect(!Schedule.constant.isDecayEpoch(7, epochs: 10))
  }
}

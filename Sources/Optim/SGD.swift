import Autodiff
import NN
import TensorCore

/// Stochastic gradient descent with momentum and weight decay, PyTorch semantics:
/// d = g + λ·θ; v ← μ·v + d (v = d on the first step); θ ← θ − η·v.
public struct SGD: Sendable {
  public var learningRate: Float
  public var momentum: Float
  public var weightDecay: Float

  public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  /// The pure step on graph tensors: returns the new parameter and velocity without mutating
  /// anything, so it can sit inside a differentiable loop (MTT's student updates,
  /// docs/ALGORITHMS.md §7.3). `learningRate` may itself be a tensor (MTT learns it).
  public func step(
    _ parameter: Tensor, gradient: Tensor, velocity: Tensor?, learningRate lr: Tensor? = nil
  ) -> (parameter: Tensor, velocity: Tensor?) {
    var d = gradient
    if weightDecay != 0 { d = d + parameter * weightDecay }
    var v: Tensor? = nil
    if momentum != 0 {
      v = velocity.map { $0 * momentum + d } ?? d
      d = v!
    }
    let rate = lr ?? Tensor(scalar: learningRate)
    return (parameter - d * rate, v)
  }
}

/// The in-place form of `SGD` for ordinary training: keeps one velocity buffer per
/// parameter and updates raw arrays without building graph.
public final class SGDTrainer {
  public var rule: SGD
  private var velocities: [NDArray?]

  public init(_ rule: SGD, parameterCount: Int) {
    self.rule = rule
    velocities = Array(repeating: nil, count: parameterCount)
  }

  /// Forgets the momentum buffers (the reference evaluation protocol does this at its lr decay).
  public func resetMomentum() {
    velocities = Array(repeating: nil, count: velocities.count)
  }

  /// θ ← θ − η·v for every parameter, given gradients in the same order.
  public func update(_ parameters: inout ParameterSet, gradients: [NDArray]) {
    var updated: [Tensor] = []
    updated.reserveCapacity(parameters.count)
    for (i, (tensor, g)) in zip(parameters.tensors, gradients).enumerated() {
      var theta = tensor.value
      var d = g
      if rule.weightDecay != 0 { d.addScaled(theta, rule.weightDecay) }
      if rule.momentum != 0 {
        if var v = velocities[i] {
          v.scale(by: rule.momentum)
          v.addScaled(d, 1)
          velocities[i] = v
          d = v
        } else {
          velocities[i] = d
        }
      }
      theta.addScaled(d, -rule.learningRate)
      updated.append(Tensor(theta, requiresGrad: tensor.requiresGrad))
    }
    parameters.tensors = updated
  }
}

import Autodiff
import NN
import TensorCore

/// How the chunks of every step loss are split among cooperating processes (the ranks of an
/// mpirun job, docs/ALGORITHMS.md §18): each computes the chunks it owns, and `sum` adds the
/// partial results of all of them, the same on every process.
public struct ChunkSharing {
  /// True for the chunks this process computes.
  public var owns: (_ chunk: Int) -> Bool
  /// Σ over processes of this process's partial sums, identical on every process.
  public var sum: (_ partial: [Float]) -> [Float]

  /// - Parameters:
  ///   - owns: the chunks of this process; every chunk must be owned by exactly one process.
  ///   - sum: an element-wise sum over processes in a fixed order.
  public init(owns: @escaping (Int) -> Bool, sum: @escaping ([Float]) -> [Float]) {
    self.owns = owns
    self.sum = sum
  }
}

extension UnrolledSGD {
  /// `gradients(start:steps:learningRate:inputs:chunks:stepLoss:finalLoss:)` with the chunks
  /// spread over processes. Per step, each process sums ∇θ ℓₜ,c over its chunks and
  /// `sharing.sum` makes the full ∇θ ℓₜ (forward) and Hₜλ (reverse) everywhere; the input and
  /// η gradients are summed once at the end. Every process gets the same result, equal to the
  /// one-process result up to the order of the Float additions.
  public static func gradients(
    start: ParameterSet, steps: Int, learningRate: Float, inputs: [Tensor], chunks: Int,
    sharing: ChunkSharing,
    stepLoss: (_ step: Int, _ chunk: Int, _ parameters: ParameterSet) -> Tensor,
    finalLoss: (ParameterSet) -> Tensor
  ) -> Result {
    var trajectory: [[NDArray]] = [start.values]
    for t in 0..<steps {
      let theta = start.replacing(trajectory[t].map { Tensor($0, requiresGrad: true) })
      var partial = trajectory[t].map { NDArray.zeros($0.shape) }
      for c in 0..<chunks where sharing.owns(c) {
        let g = Autodiff.gradients(of: stepLoss(t, c, theta), wrt: theta.tensors)
        for i in partial.indices { partial[i].addScaled(g[i].value, 1) }
      }
      let total = summed(partial, sharing)
      var next = trajectory[t]
      for i in next.indices { next[i].addScaled(total[i], -learningRate) }
      trajectory.append(next)
    }
    let thetaN = start.replacing(trajectory[steps].map { Tensor($0, requiresGrad: true) })
    let final = finalLoss(thetaN)
    var lambda = Autodiff.gradients(of: final, wrt: thetaN.tensors).map(\.value)
    var inputGrads = inputs.map { NDArray.zeros($0.shape) }
    var etaGrad = NDArray.zeros([1])
    for t in stride(from: steps - 1, through: 0, by: -1) {
      let theta = start.replacing(trajectory[t].map { Tensor($0, requiresGrad: true) })
      var hessianLambda = lambda.map { NDArray.zeros($0.shape) }
      for c in 0..<chunks where sharing.owns(c) {
        let g = Autodiff.gradients(of: stepLoss(t, c, theta), wrt: theta.tensors, createGraph: true)
        var inner: Tensor?
        for (gi, li) in zip(g, lambda) {
          let term = (gi * Tensor(li)).sum()
          inner = inner.map { $0 + term } ?? term
        }
        guard let inner else { continue }
        etaGrad.data[0] -= inner.scalar
        let second = Autodiff.gradients(of: inner, wrt: theta.tensors + inputs)
        for i in lambda.indices { hessianLambda[i].addScaled(second[i].value, 1) }
        for j in inputs.indices {
          inputGrads[j].addScaled(second[theta.count + j].value, -learningRate)
        }
      }
      let total = summed(hessianLambda, sharing)
      for i in lambda.indices { lambda[i].addScaled(total[i], -learningRate) }
    }
    let totals = summed(inputGrads + [etaGrad], sharing)
    return Result(
      loss: final.scalar, inputGradients: Array(totals.dropLast()),
      learningRateGradient: totals[totals.count - 1].data[0],
      final: start.replacing(trajectory[steps].map { Tensor($0) }))
  }

  /// The arrays summed over processes in one message, in their shapes.
  private static func summed(_ arrays: [NDArray], _ sharing: ChunkSharing) -> [NDArray] {
    let flat = sharing.sum(arrays.flatMap(\.data))
    var offset = 0
    return arrays.map { array in
      defer { offset += array.data.count }
      return NDArray(shape: array.shape, data: Array(flat[offset..<(offset + array.data.count)]))
    }
  }
}

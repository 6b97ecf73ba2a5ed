import Autodiff
import NN
import Optim
import TensorCore
import Testing

@Suite struct UnrolledSGDTests {
  /// The step-by-step reverse pass equals back-propagation through the whole unrolled graph
  /// (a tiny ConvNet, 4 steps), for the image gradient and the learning-rate gradient.
  @Test func matchesFullyUnrolledGraph() {
    var rng = RandomStream(seed: 11)
    let config = ConvNetConfig(channels: 2, height: 6, width: 6, classes: 3, depth: 1, netWidth: 3)
    let net = ConvNet(config, rng: &rng)
    let images = NDArray(shape: [4, 2, 6, 6], data: rng.normal(4 * 72))
    let labels = [0, 1, 2, 1]
    let target = ConvNet(config, rng: &rng).parameters.values
    let eta: Float = 0.5
    let steps = 4
    func distance(_ p: ParameterSet) -> Tensor {
      zip(p.tensors, target).map { ($0 - Tensor($1)).square().sum() }.reduce(Tensor(scalar: 0), +)
    }
    // Step t uses rows (t % 2)·2 ..< +2, as MTT cycles through minibatches.
    func stepLoss(_ x: Tensor, _ t: Int, _ p: ParameterSet) -> Tensor {
      let rows = [(t % 2) * 2, (t % 2) * 2 + 1]
      return Losses.crossEntropy(
        net.forward(x.gatherRows(rows), with: p), labels: rows.map { labels[$0] })
    }

    let x = Tensor(images, requiresGrad: true)
    let result = UnrolledSGD.gradients(
      start: net.parameters, steps: steps, learningRate: eta, inputs: [x],
      stepLoss: { stepLoss(x, $0, $1) }, finalLoss: distance)

    let xFull = Tensor(images, requiresGrad: true)
    let etaFull = Tensor(NDArray(scalar: eta), requiresGrad: true)
    var p = net.parameters.asLeaves()
    for t in 0..<steps {
      let g = gradients(of: stepLoss(xFull, t, p), wrt: p.tensors, createGraph: true)
      p = p.replacing(zip(p.tensors, g).map { $0 - $1 * etaFull })
    }
    let full = distance(p)
    let fullGrads = gradients(of: full, wrt: [xFull, etaFull])

    #expect(abs(result.loss - full.scalar) < 1e-5 * max(1, abs(full.scalar)))
    let scale = fullGrads[0].value.data.map { abs($0) }.max() ?? 1
    for (a, b) in zip(result.inputGradients[0].data, fullGrads[0].value.data) {
      #expect(abs(a - b) <= 1e-5 * max(1, scale), "image gradient \(a) vs \(b)")
    }
    let etaRef = fullGrads[1].scalar
    #expect(abs(result.learningRateGradient - etaRef) <= 1e-4 * max(1, abs(etaRef)))
  }

  /// Splitting each step's mean loss into weighted sub-batch parts changes nothing but memory.
  @Test func chunkedStepsEqualWholeSteps() {
    var rng = RandomStream(seed: 12)
    let config = ConvNetConfig(channels: 1, height: 6, width: 6, classes: 2, depth: 1, netWidth: 3)
    let net = ConvNet(config, rng: &rng)
    let images = NDArray(shape: [5, 1, 6, 6], data: rng.normal(180))
    let labels = [0, 1, 1, 0, 1]
    let target = ConvNet(config, rng: &rng).parameters.values
    func distance(_ p: ParameterSet) -> Tensor {
      zip(p.tensors, target).map { ($0 - Tensor($1)).square().sum() }.reduce(Tensor(scalar: 0), +)
    }
    let x = Tensor(images, requiresGrad: true)
    let whole = UnrolledSGD.gradients(
      start: net.parameters, steps: 3, learningRate: 0.3, inputs: [x],
      stepLoss: { _, p in Losses.crossEntropy(net.forward(x, with: p), labels: labels) },
      finalLoss: distance)
    let parts = [[0, 1], [2, 3], [4]]
    let chunked = UnrolledSGD.gradients(
      start: net.parameters, steps: 3, learningRate: 0.3, inputs: [x], chunks: parts.count,
      stepLoss: { _, c, p in
        Losses.crossEntropy(
          net.forward(x.gatherRows(parts[c]), with: p), labels: parts[c].map { labels[$0] })
          * (Float(parts[c].count) / 5)
      }, finalLoss: distance)
    #expect(abs(whole.loss - chunked.loss) < 1e-6 * max(1, abs(whole.loss)))
    for (a, b) in zip(whole.inputGradients[0].data, chunked.inputGradients[0].data) {
      #expect(abs(a - b) < 1e-5)
    }
    #expect(abs(whole.learningRateGradient - chunked.learningRateGradient) < 1e-5)
  }

  /// With momentum, the reverse pass (velocity adjoint included) equals back-propagation through
  /// the whole unrolled graph of w, v, to 1e-5, whole steps or split into sub-batches.
  @Test(arguments: [1, 2])
  func momentumMatchesFullyUnrolledGraph(chunks: Int) {
    var rng = RandomStream(seed: 13)
    let config = ConvNetConfig(channels: 2, height: 6, width: 6, classes: 3, depth: 1, netWidth: 3)
    let net = ConvNet(config, rng: &rng)
    let images = NDArray(shape: [4, 2, 6, 6], data: rng.normal(4 * 72))
    let labels = [0, 1, 2, 1]
    let (eta, mu, steps): (Float, Float, Int) = (0.3, 0.9, 5)
    let finalImages = Tensor(NDArray(shape: [3, 2, 6, 6], data: rng.normal(3 * 72)))
    func finalLoss(_ p: ParameterSet) -> Tensor {
      Losses.crossEntropy(net.forward(finalImages, with: p), labels: [2, 0, 1])
    }
    // Step t reads rows (t % 2)·2 ..< +2, squared so the loss is not linear in x.
    func stepLoss(_ x: Tensor, _ t: Int, _ c: Int, _ p: ParameterSet) -> Tensor {
      let rows = chunks == 1 ? [(t % 2) * 2, (t % 2) * 2 + 1] : [(t % 2) * 2 + c]
      let share: Float = chunks == 1 ? 1 : 0.5
      return Losses.crossEntropy(
        net.forward((x * x).gatherRows(rows), with: p), labels: rows.map { labels[$0] }) * share
    }

    let x = Tensor(images, requiresGrad: true)
    let result = UnrolledSGD.gradients(
      start: net.parameters, steps: steps, learningRate: eta, momentum: mu, inputs: [x],
      chunks: chunks, stepLoss: { stepLoss(x, $0, $1, $2) },
      finalGradient: { p in
        let theta = p.asLeaves()
        let loss = finalLoss(theta)
        return (loss.scalar, gradients(of: loss, wrt: theta.tensors).map(\.value))
      })

    let xFull = Tensor(images, requiresGrad: true)
    var p = net.parameters.asLeaves()
    var v: [Tensor] = p.tensors.map { Tensor(NDArray.zeros($0.shape)) }
    for t in 0..<steps {
      var g: [Tensor]? = nil
      for c in 0..<chunks {
        let part = gradients(of: stepLoss(xFull, t, c, p), wrt: p.tensors, createGraph: true)
        g = g.map { zip($0, part).map { $0 + $1 } } ?? part
      }
      v = zip(v, g ?? []).map { $0 * mu + $1 }
      p = p.replacing(zip(p.tensors, v).map { $0 - $1 * eta })
    }
    let full = finalLoss(p)
    let reference = gradients(of: full, wrt: [xFull])[0].value

    #expect(abs(result.loss - full.scalar) < 1e-5 * max(1, abs(full.scalar)))
    let scale = reference.data.map { abs($0) }.max() ?? 1
    #expect(scale > 1e-4, "the images must matter: \(scale)")
    for (a, b) in zip(result.inputGradients[0].data, reference.data) {
      #expect(abs(a - b) <= 1e-5 * max(1, scale), "image gradient \(a) vs \(b)")
    }
  }
}

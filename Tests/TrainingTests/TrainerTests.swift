import Autodiff
import NN
import Optim
import TensorCore
import Testing
import Training

/// Two classes told apart by the sign of a centred blob: learnable in a few epochs.
private func toyData(count: Int, seed: UInt64) -> (NDArray, [Int]) {
  var rng = RandomStream(seed: seed)
  let noise = rng.normal(count * 64, std: 0.3)
  var data = [Float](repeating: 0, count: count * 64)
  var labels: [Int] = []
  for i in 0..<count {
    let label = i % 2
    labels.append(label)
    for p in 0..<64 {
      let (y, x) = (p / 8, p % 8)
      let blob: Float = (2...5).contains(y) && (2...5).contains(x) ? (label == 0 ? 1 : -1) : 0
      data[i * 64 + p] = blob + noise[i * 64 + p]
    }
  }
  return (NDArray(shape: [count, 1, 8, 8], data: data), labels)
}

private func smallNet(seed: UInt64) -> ConvNet {
  var rng = RandomStream(seed: seed)
  return ConvNet(
    ConvNetConfig(channels: 1, height: 8, width: 8, classes: 2, depth: 2, netWidth: 8), rng: &rng)
}

@Suite struct TrainerTests {
  @Test(arguments: [Objective.crossEntropy, .labelSmoothing(epsilon: 0.1), .focal(gamma: 3)])
  func learnsASeparableProblem(objective: Objective) throws {
    let (x, y) = toyData(count: 64, seed: 1)
    let net = smallNet(seed: 2)
    let options = TrainingOptions(
      epochs: 6, batchSize: 16, learningRate: 0.05, objective: objective)
    let records = try Trainer(options: options).train(net, images: x, labels: y)
    #expect(records.count == 6)
    #expect(records.last!.loss < records.first!.loss)
    let (tx, ty) = toyData(count: 64, seed: 9)
    #expect(Evaluation.evaluate(net, images: tx, labels: ty).accuracy > 0.9)
  }

  @Test func mixupTrainsToo() throws {
    let (x, y) = toyData(count: 64, seed: 3)
    let net = smallNet(seed: 4)
    let options = TrainingOptions(epochs: 6, batchSize: 16, learningRate: 0.05, mixupAlpha: 1)
    try Trainer(options: options).train(net, images: x, labels: y)
    #expect(Evaluation.evaluate(net, images: x, labels: y).accuracy > 0.9)
  }

  @Test func sameSeedGivesIdenticalParameters() throws {
    let (x, y) = toyData(count: 32, seed: 5)
    let options = TrainingOptions(epochs: 2, batchSize: 8, mixupAlpha: 1, seed: 7)
    let a = smallNet(seed: 6)
    let b = smallNet(seed: 6)
    try Trainer(options: options).train(a, images: x, labels: y)
    try Trainer(options: options).train(b, images: x, labels: y)
    #expect(a.parameters.values == b.parameters.values)
  }

  @Test func divergenceIsReportedWithItsStep() {
    let (x, y) = toyData(count: 32, seed: 5)
    let options = TrainingOptions(epochs: 3, batchSize: 8, learningRate: 1e12, momentum: 0)
    #expect {
      try Trainer(options: options).train(smallNet(seed: 1), images: x, labels: y)
    } throws: { error in
      guard case .nonFinite(_, let epoch, let step) = error as? TrainingError else { return false }
      return epoch >= 0 && step >= 0
    }
  }

  @Test func stopCheckInterruptsBetweenSteps() {
    let (x, y) = toyData(count: 32, seed: 5)
    var calls = 0
    #expect(throws: TrainingError.interrupted(epoch: 1, step: 1)) {
      try Trainer(options: TrainingOptions(epochs: 3, batchSize: 8)).train(
        smallNet(seed: 1), images: x, labels: y,
        shouldStop: {
          calls += 1
          return calls == 6
        })
    }
  }

  @Test func mismatchedInputIsRejected() {
    let (x, y) = toyData(count: 8, seed: 5)
    #expect(throws: TrainingError.self) {
      try Trainer(options: TrainingOptions(epochs: 1)).train(
        smallNet(seed: 1), images: x, labels: Array(y.dropLast()))
    }
    #expect(throws: TrainingError.self) {
      try Trainer(options: TrainingOptions(epochs: 1)).train(
        smallNet(seed: 1), images: x.reshaped([8, 1, 4, 16]), labels: y)
    }
  }

  @Test func progressReportsEveryStep() throws {
    let (x, y) = toyData(count: 20, seed: 5)
    var seen: [TrainingProgress] = []
    try Trainer(options: TrainingOptions(epochs: 2, batchSize: 8)).train(
      smallNet(seed: 1), images: x, labels: y, progress: { seen.append($0) })
    #expect(seen.count == 6)
    #expect(seen.last!.epoch == 1 && seen.last!.step == 2 && seen.last!.stepsPerEpoch == 3)
  }
}

@Suite struct EvaluationTests {
  @Test func temperatureDoesNotChangeAccuracyButChangesNLL() {
    let (x, y) = toyData(count: 16, seed: 8)
    let net = smallNet(seed: 3)
    let a = Evaluation.evaluate(net, images: x, labels: y, batchSize: 5)
    let b = Evaluation.evaluate(net, images: x, labels: y, batchSize: 16, temperature: 2)
    #expect(a.accuracy == b.accuracy)
    #expect(a.nll != b.nll)
    #expect(a.logits.shape == [16, 2])
  }

  @Test func featuresOfEachBlock() throws {
    let (x, _) = toyData(count: 3, seed: 8)
    let net = smallNet(seed: 3)
    #expect(try Evaluation.features(net, images: x, block: 0).shape == [3, 8 * 4 * 4])
    #expect(try Evaluation.features(net, images: x, block: 1).shape == [3, 8 * 2 * 2])
  }

  @Test func mixupBlendIsConvex() {
    var rng = RandomStream(seed: 1)
    let x = NDArray(shape: [4, 1], data: [0, 1, 2, 3])
    let (blended, lambda, perm) = Mixup.blend(x, alpha: 1, rng: &rng)
    #expect(lambda >= 0 && lambda <= 1)
    for i in 0..<4 {
      let expected = lambda * x.data[i] + (1 - lambda) * x.data[perm[i]]
      #expect(abs(blended.data[i] - expected) < 1e-6)
    }
  }
}

@Suite struct EvaluationEdgeTests {
  @Test func emptyDataGivesEmptyLogitsAndZeroAccuracy() throws {
    var rng = RandomStream(seed: 1)
    let net = ConvNet(
      ConvNetConfig(channels: 1, height: 8, width: 8, classes: 2, depth: 1, netWidth: 2), rng: &rng)
    let empty = NDArray(shape: [0, 1, 8, 8], data: [])
    #expect(Evaluation.evaluate(net, images: empty, labels: []).logits.shape == [0, 2])
    let stoppable = try Evaluation.evaluate(net, images: empty, labels: [], shouldStop: { false })
    #expect(stoppable.accuracy == 0 && stoppable.logits.shape == [0, 2])
  }

  @Test func stopCheckInterruptsEvaluationBetweenBatches() {
    var rng = RandomStream(seed: 1)
    let net = ConvNet(
      ConvNetConfig(channels: 1, height: 8, width: 8, classes: 2, depth: 1, netWidth: 2), rng: &rng)
    let x = NDArray(shape: [6, 1, 8, 8], data: rng.normal(384))
    var calls = 0
    #expect(throws: TrainingError.interrupted(epoch: 0, step: 2)) {
      try Evaluation.evaluate(
        net, images: x, labels: [0, 1, 0, 1, 0, 1], batchSize: 2,
        shouldStop: {
          calls += 1
          return calls == 3
        })
    }
  }
}

import Autodiff
import Dispatch
import NN
import Optim
import TensorCore

/// Mini-batch SGD training of a ConvNet on in-memory images.
public struct Trainer {
  public var options: TrainingOptions
  /// Optional per-batch augmentation (DSA, later); receives the batch and the run's stream.
  public var augment: ((Tensor, inout RandomStream) -> Tensor)?

  public init(options: TrainingOptions, augment: ((Tensor, inout RandomStream) -> Tensor)? = nil) {
    self.options = options
    self.augment = augment
  }

  /// A trainer that applies per-sample DSA augmentation `strategy` to every (mixed) batch,
  /// drawing from the run's stream; an empty strategy ("none") trains on the batches as they are.
  public init(options: TrainingOptions, augmentation strategy: DiffAugment) {
    self.init(
      options: options,
      augment: strategy.ops.isEmpty ? nil : { x, stream in strategy(x, rng: &stream) })
  }

  /// Trains `model` in place on images [N, C, H, W] with labels in 0..<classes.
  /// - Parameters:
  ///   - progress: called after every step.
  ///   - shouldStop: polled between steps; returning true throws `.interrupted`.
  /// - Returns: one record per epoch.
  /// - Throws: `TrainingError` on bad input, a non-finite loss or gradient, or interruption.
  @discardableResult
  public func train(
    _ model: ConvNet, images: NDArray, labels: [Int],
    progress: ((TrainingProgress) -> Void)? = nil, shouldStop: (() -> Bool)? = nil
  ) throws -> [EpochRecord] {
    var records: [EpochRecord] = []
    try train(
      model, images: images, labels: labels, records: &records, progress: progress,
      shouldStop: shouldStop)
    return records
  }

  /// Trains like `train(_:images:labels:progress:shouldStop:)`, appending one record per
  /// epoch to `records` as it finishes. When the run stops early (interrupted, or after
  /// `options.stopAfterSteps`, or on a non-finite loss or gradient), `records` ends with a
  /// record of the partial epoch, so the caller keeps the history of exactly the steps taken.
  /// - Throws: as the other form; `records` holds what was done when it throws.
  public func train(
    _ model: ConvNet, images: NDArray, labels: [Int], records: inout [EpochRecord],
    progress: ((TrainingProgress) -> Void)? = nil, shouldStop: (() -> Bool)? = nil
  ) throws {
    try validate(model, images, labels)
    var rng = RandomStream(seed: options.seed, stream: 0x7472_6169_6E)
    let sgd = SGD(
      learningRate: options.learningRate, momentum: options.momentum,
      weightDecay: options.weightDecay)
    let optimizer = SGDTrainer(sgd, parameterCount: model.parameters.count)
    let n = labels.count
    let steps = (n + options.batchSize - 1) / options.batchSize
    let runStart = DispatchTime.now()
    for epoch in 0..<options.epochs {
      let rate = options.schedule.rate(
        base: options.learningRate, epoch: epoch, epochs: options.epochs)
      optimizer.rule.learningRate = rate
      if options.schedule.isDecayEpoch(epoch, epochs: options.epochs) { optimizer.resetMomentum() }
      let order = rng.permutation(n)
      let epochStart = DispatchTime.now()
      var meter = Meter()
      for step in 0..<steps {
        let stop = stopReason(epoch * steps + step, shouldStop)
        if stop != nil, meter.count > 0 {
          records.append(
            partialRecord(epoch, meter, rate, seconds(since: epochStart), step, steps))
        }
        if stop == .interrupted { throw TrainingError.interrupted(epoch: epoch, step: step) }
        if stop == .stepLimit { return }
        let batch = Array(
          order[(step * options.batchSize)..<min(n, (step + 1) * options.batchSize)])
        let loss: Double
        let correct: Int
        do {
          (loss, correct) = try trainStep(
            model, optimizer, images.gatherRows(batch), batch.map { labels[$0] }, &rng, epoch,
            step)
        } catch {
          // A non-finite step leaves the model at the previous step: the history ends there too.
          if meter.count > 0 {
            records.append(
              partialRecord(epoch, meter, rate, seconds(since: epochStart), step, steps))
          }
          throw error
        }
        meter.add(loss: loss, correct: correct, count: batch.count)
        if let progress {
          let elapsed = seconds(since: runStart)
          let done = Double(epoch * steps + step + 1)
          progress(
            TrainingProgress(
              epoch: epoch, epochs: options.epochs, step: step, stepsPerEpoch: steps,
              loss: meter.meanLoss, accuracy: meter.accuracy,
              imagesPerSecond: Double(meter.count) / max(seconds(since: epochStart), 1e-9),
              secondsLeft: elapsed / done * (Double(options.epochs * steps) - done)))
        }
      }
      let took = seconds(since: epochStart)
      records.append(
        EpochRecord(
          epoch: epoch, loss: meter.meanLoss, accuracy: meter.accuracy, learningRate: rate,
          seconds: took, imagesPerSecond: Double(n) / max(took, 1e-9)))
    }
  }

  private enum Stop { case interrupted, stepLimit }

  /// Why the run stops before step `done` (counted from the start of the run), if it does.
  private func stopReason(_ done: Int, _ shouldStop: (() -> Bool)?) -> Stop? {
    if let limit = options.stopAfterSteps, done >= limit { return .stepLimit }
    return shouldStop?() == true ? .interrupted : nil
  }

  /// The record of an epoch cut short after `step` of its `steps` steps.
  private func partialRecord(
    _ epoch: Int, _ meter: Meter, _ rate: Float, _ took: Double, _ step: Int, _ steps: Int
  ) -> EpochRecord {
    EpochRecord(
      epoch: epoch, loss: meter.meanLoss, accuracy: meter.accuracy, learningRate: rate,
      seconds: took, imagesPerSecond: Double(meter.count) / max(took, 1e-9))
  }

  /// One forward/backward/update; returns the batch loss and the number of correct predictions.
  private func trainStep(
    _ model: ConvNet, _ optimizer: SGDTrainer, _ x: NDArray, _ y: [Int],
    _ rng: inout RandomStream, _ epoch: Int, _ step: Int
  ) throws -> (Double, Int) {
    let params = model.parameters.asLeaves()
    var input = Tensor(x)
    var mixed: (lambda: Float, partner: [Int])? = nil
    if let alpha = options.mixupAlpha {
      let (blended, lambda, perm) = Mixup.blend(x, alpha: alpha, rng: &rng)
      input = Tensor(blended)
      mixed = (lambda, perm.map { y[$0] })
    }
    if let augment { input = augment(input, &rng) }
    let logits = model.forward(input, with: params, training: true)
    var loss = options.objective.loss(logits, labels: y)
    if let mixed {
      loss =
        loss * mixed.lambda + options.objective.loss(logits, labels: mixed.partner)
        * (1 - mixed.lambda)
    }
    guard loss.value.isFinite else {
      throw TrainingError.nonFinite(what: "the loss", epoch: epoch, step: step)
    }
    let grads = gradients(of: loss, wrt: params.tensors).map(\.value)
    guard grads.allSatisfy(\.isFinite) else {
      throw TrainingError.nonFinite(what: "a gradient", epoch: epoch, step: step)
    }
    var updated = model.parameters
    optimizer.update(&updated, gradients: grads)
    model.parameters = updated
    let predictions = logits.value.argmaxRows()
    let correct = zip(predictions, y).filter { $0.0 == $0.1 }.count
    return (Double(loss.scalar), correct)
  }

  private func validate(_ model: ConvNet, _ images: NDArray, _ labels: [Int]) throws {
    let c = model.config
    guard images.rank == 4, images.shape[1] == c.channels, images.shape[2] == c.height,
      images.shape[3] == c.width
    else {
      throw TrainingError.invalidInput(
        "images \(images.shape) do not fit the model's input [N, \(c.channels), \(c.height), \(c.width)]"
      )
    }
    guard images.shape[0] == labels.count, !labels.isEmpty else {
      throw TrainingError.invalidInput("\(images.shape[0]) images but \(labels.count) labels")
    }
    guard labels.allSatisfy({ $0 >= 0 && $0 < c.classes }) else {
      throw TrainingError.invalidInput("labels must lie in 0..<\(c.classes)")
    }
    guard options.epochs >= 0, options.epochs <= 1_000_000, options.batchSize >= 1,
      options.batchSize <= 1 << 30
    else {
      throw TrainingError.invalidInput("epochs must be 0…1000000 and batch 1…2^30")
    }
  }
}

/// Running sums of one epoch.
struct Meter {
  var lossSum = 0.0
  var correct = 0
  var count = 0
  mutating func add(loss: Double, correct: Int, count: Int) {
    lossSum += loss * Double(count)
    self.correct += correct
    self.count += count
  }
  var meanLoss: Double { count == 0 ? 0 : lossSum / Double(count) }
  var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

func seconds(since start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

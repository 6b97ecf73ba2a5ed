import Calibration
import Datasets
import TensorCore
import Testing
import Training

@Suite struct MaskedTemperatureScalingTests {
  @Test func fitsAPositiveTemperatureOnATrainedConvNet() throws {
    let net = ToyProblem.trained
    let options = MaskedTemperatureScalingOptions(maskRatio: 0.7, validationFraction: 0.5, seed: 1)
    let fit = try MaskedTemperatureScaling.fit(net, on: ToyProblem.train, options: options)
    #expect(fit.temperature > 0 && fit.temperature.isFinite)
    #expect(fit.validationIndices.count == 15)
    #expect(fit.maskedAccuracy < 1)  // masking makes the training images informative
    #expect(fit.fit.sampleCount == 15 && fit.maskRatio == 0.7)
  }

  @Test func validationSubsetTakesAFractionOfEachClassAndAtLeastOne() {
    var rng = RandomStream(seed: 4)
    let train = ToyProblem.train
    let tenth = MaskedTemperatureScaling.validationIndices(train, fraction: 0.1, rng: &rng)
    #expect(tenth.map { train.labels[$0] } == [0, 1, 2])
    let half = MaskedTemperatureScaling.validationIndices(train, fraction: 0.5, rng: &rng)
    #expect(half.count == 15 && Set(half).count == 15)
    let ipc1 = ToyProblem.dataset(perClass: 1, noise: 0.5, seed: 2)
    let one = MaskedTemperatureScaling.validationIndices(ipc1, fraction: 0.1, rng: &rng)
    #expect(one == [0, 1, 2])
  }

  /// With r = 0 and the whole set (v = 1), MTS is plain temperature scaling on clean logits.
  @Test func zeroRatioEqualsTemperatureScaling() throws {
    let net = ToyProblem.trained
    let data = ToyProblem.train
    let options = MaskedTemperatureScalingOptions(maskRatio: 0, validationFraction: 1, seed: 3)
    let mts = try MaskedTemperatureScaling.fit(net, on: data, options: options)
    let logits = Evaluation.evaluate(net, images: data.images, labels: data.labels).logits
    let ts = try TemperatureScaling.fit(logits: logits, labels: data.labels)
    #expect(mts.validationIndices.count == data.count)
    #expect(abs(mts.temperature - ts.temperature) <= 1e-9 * max(1, ts.temperature))
  }

  /// Inference below the shell stops when `Cancellation` is asked to (Ctrl-C in the shell).
  @Test func inferenceStopsWhenCancellationIsRequested() throws {
    let net = ToyProblem.trained
    #expect(throws: CancellationError.self) {
      try Cancellation.whilePolling({ true }) {
        try MaskedTemperatureScaling.fit(net, on: ToyProblem.train)
      }
    }
    #expect(throws: Never.self) { try MaskedTemperatureScaling.fit(net, on: ToyProblem.train) }
  }

  @Test func sameSeedGivesTheSameFit() throws {
    let net = ToyProblem.trained
    let options = MaskedTemperatureScalingOptions(maskRatio: 0.4, validationFraction: 1, seed: 7)
    let a = try MaskedTemperatureScaling.fit(net, on: ToyProblem.train, options: options)
    let b = try MaskedTemperatureScaling.fit(net, on: ToyProblem.train, options: options)
    #expect(a == b)
    var other = options
    other.seed = 8
    let c = try MaskedTemperatureScaling.fit(net, on: ToyProblem.train, options: other)
    #expect(c.temperature != a.temperature)
  }

  @Test func maskZeroesAboutRWithoutRescaling() {
    var rng = RandomStream(seed: 3)
    let x = NDArray(shape: [10, 3, 8, 8], data: (0..<1920).map { Float($0 % 7) + 1 })
    let masked = MaskedTemperatureScaling.mask(x, ratio: 0.3, rng: &rng)
    let zeros = masked.data.filter { $0 == 0 }.count
    #expect(abs(Double(zeros) / 1920 - 0.3) < 0.04)
    for (m, v) in zip(masked.data, x.data) { #expect(m == 0 || m == v) }
    #expect(MaskedTemperatureScaling.mask(x, ratio: 0, rng: &rng) == x)
  }

  @Test func calibrationKeepsWeightsAndAccuracy() throws {
    let net = ToyProblem.trained
    let weights = net.parameters.values
    let test = ToyProblem.test
    let plain = Evaluation.evaluate(net, images: test.images, labels: test.labels)
    let options = MaskedTemperatureScalingOptions(maskRatio: 0.5, validationFraction: 1)
    let calibrated = try MaskedTemperatureScaling.calibrate(
      net, on: ToyProblem.train, options: options)
    #expect(net.parameters.values == weights)
    let result = try calibrated.evaluate(images: test.images, labels: test.labels)
    #expect(result.accuracy == plain.accuracy)
    let before = try CalibratedModel(uncalibrated: net).predictions(
      images: test.images, labels: test.labels)
    let after = try calibrated.predictions(images: test.images, labels: test.labels)
    #expect(after.predictedClasses == before.predictedClasses)
    let logits = try calibrated.logits(test.images)
    #expect(logits.argmaxRows() == plain.logits.argmaxRows())
  }

  /// The degenerate case: plain TS on the images the net was trained on (all classified
  /// correctly) pushes T far below 1 and makes test predictions more over-confident; masking
  /// the same images gives a usable T.
  @Test func unmaskedFitOnTrainingImagesIsDegenerate() throws {
    let net = ToyProblem.trained
    let train = ToyProblem.train
    let test = ToyProblem.test
    #expect(Evaluation.evaluate(net, images: train.images, labels: train.labels).accuracy == 1)
    let unmasked = try TemperatureScaling.fit(net, images: train.images, labels: train.labels)
    #expect(unmasked.temperature < 0.05, "T = \(unmasked.temperature)")
    let raw = try CalibratedModel(uncalibrated: net).report(
      images: test.images, labels: test.labels)
    let sharpened = try CalibratedModel(model: net, temperature: unmasked.temperature)
      .report(images: test.images, labels: test.labels)
    #expect(sharpened.signedECE > raw.signedECE)
    #expect(sharpened.nll > raw.nll)
    let options = MaskedTemperatureScalingOptions(maskRatio: 0.5, validationFraction: 1)
    let masked = try MaskedTemperatureScaling.fit(net, on: train, options: options)
    #expect(masked.temperature > 10 * unmasked.temperature)
    #expect(masked.fit.stop == .converged)
  }

  @Test func mismatchedDataIsRejected() {
    let net = ToyProblem.trained
    let wide = try? Dataset(
      name: "wide", images: NDArray.zeros([3, 1, 8, 9]), labels: [0, 1, 2], classCount: 3)
    let four = try? Dataset(
      name: "four", images: NDArray.zeros([4, 1, 8, 8]), labels: [0, 1, 2, 3], classCount: 4)
    for data in [wide, four].compactMap({ $0 }) {
      #expect(throws: CalibrationError.self) { try MaskedTemperatureScaling.fit(net, on: data) }
    }
    #expect(throws: CalibrationError.self) {
      try MaskedTemperatureScaling.fit(
        net, on: ToyProblem.train, options: MaskedTemperatureScalingOptions(maskRatio: 1))
    }
  }
}

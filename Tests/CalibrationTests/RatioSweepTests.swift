import Calibration
import Datasets
import TensorCore
import Testing

@Suite struct RatioSweepTests {
  private let options = RatioSweepOptions(
    mts: MaskedTemperatureScalingOptions(validationFraction: 1, seed: 2))

  @Test func picksTheRatioWithTheLowestValidationECE() throws {
    let validation = ToyProblem.validation
    let result = try RatioSweep.run(
      ToyProblem.trained, on: ToyProblem.train,
      selectingOn: .validation(images: validation.images, labels: validation.labels),
      options: options)
    #expect(result.rows.map(\.ratio) == options.ratios)
    let best = try #require(result.rows.min { $0.ece < $1.ece })
    #expect(result.selectedRatio == best.ratio)
    #expect(result.selected.temperature == best.temperature)
    #expect(result.warning == nil && !result.selectedOnTestSet)
    #expect(Set(result.rows.map(\.accuracy)).count == 1)  // T never changes the argmax
    #expect(result.table.count == 9 && result.table[0].count == RatioSweepResult.columns.count)
    // Larger ratios hide more of each image, so masked accuracy falls overall.
    let first = result.rows[0].maskedAccuracy
    let last = result.rows[8].maskedAccuracy
    #expect(last < first)
  }

  @Test func selectingOnTheTestSetCarriesAWarning() throws {
    let test = ToyProblem.test
    let result = try RatioSweep.run(
      ToyProblem.trained, on: ToyProblem.train,
      selectingOn: .testSet(images: test.images, labels: test.labels), options: options)
    #expect(result.selectedOnTestSet)
    #expect(result.warning == RatioSweep.testSetWarning)
    #expect(result.warning?.contains("test set") == true)
  }

  @Test func heldOutImagesAvoidExcludedRows() throws {
    let source = ToyProblem.test
    let excluded = Array(0..<30)
    let indices = try RatioSweep.heldOutIndices(
      from: source, perClass: 5, excluding: excluded, seed: 1)
    #expect(indices.count == 15)
    #expect(Set(indices).isDisjoint(with: excluded))
    #expect(indices.map { source.labels[$0] } == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    let again = try RatioSweep.heldOutIndices(
      from: source, perClass: 5, excluding: excluded, seed: 1)
    #expect(again == indices)
    #expect(throws: CalibrationError.notEnoughSamples(classIndex: 0, available: 10, requested: 11))
    {
      try RatioSweep.heldOutIndices(from: source, perClass: 11, excluding: excluded, seed: 1)
    }
  }

  @Test func badRatiosAreRejected() {
    let validation = ToyProblem.validation
    let selection = RatioSelectionSet.validation(
      images: validation.images, labels: validation.labels)
    for ratios in [[], [0.2, 1.0], [-0.1]] {
      var bad = options
      bad.ratios = ratios
      #expect(throws: CalibrationError.self) {
        try RatioSweep.run(
          ToyProblem.trained, on: ToyProblem.train, selectingOn: selection, options: bad)
      }
    }
  }
}

import Calibration
import Foundation
import TensorCore
import Testing

@Suite struct MaxLogitStatisticsTests {
  @Test func summaryOfKnownValues() throws {
    let stats = try MaxLogitStatistics(
      values: [5, 1, 4, 2, 3], binning: .range(lower: 0, upper: 5, binCount: 5))
    #expect(stats.count == 5 && stats.mean == 3 && close(stats.std, 2.0.squareRoot(), 1e-12))
    #expect(stats.minimum == 1 && stats.maximum == 5)
    // numpy.quantile([1, 2, 3, 4, 5], [.05, .25, .5, .75, .95]) = [1.2, 2, 3, 4, 4.8].
    for (got, want) in zip(stats.quantiles, [1.2, 2, 3, 4, 4.8]) {
      #expect(close(got, want, 1e-12))
    }
    #expect(stats.histogram.counts == [0, 1, 1, 1, 2])
    #expect(
      stats.summary.map(\.name) == [
        "count", "mean", "std", "min", "q05", "q25", "q50", "q75", "q95", "max",
      ])
    #expect(throws: CalibrationError.empty(what: "the max-logit set")) {
      try MaxLogitStatistics(values: [])
    }
  }

  @Test func toyModelIsMoreConfidentOnItsDataThanOnNoise() throws {
    let net = ToyProblem.trained
    let images = ToyProblem.test.images
    let noise = try NoiseImages.gaussian(shape: images.shape, std: 1.3, seed: 4)
    let comparison = try MaxLogitComparison.inputs(
      net, images, named: "test", noise, named: "noise")
    #expect(comparison.first.count == 120 && comparison.second.count == 120)
    #expect(comparison.first.histogram.edges == comparison.second.histogram.edges)
    #expect(comparison.first.histogram.total == 120 && comparison.second.histogram.total == 120)
    #expect(comparison.meanDifference > 0, "\(comparison.table)")
    #expect(comparison.histogramOverlap >= 0 && comparison.histogramOverlap < 1)
    #expect(comparison.columns == ["statistic", "test", "noise"] && comparison.table.count == 10)
  }

  @Test func maskingLowersTheMaxLogits() throws {
    let net = ToyProblem.trained
    let images = ToyProblem.train.images
    let clean = try MaxLogitStatistics.of(net, images: images)
    let masked = try MaxLogitStatistics.of(
      net, images: images, options: MaxLogitOptions(maskRatio: 0.5, seed: 1))
    #expect(masked.mean < clean.mean)
    let again = try MaxLogitStatistics.of(
      net, images: images, options: MaxLogitOptions(maskRatio: 0.5, seed: 1))
    #expect(again == masked)
  }

  @Test func twoModelsShareHistogramEdges() throws {
    let trained = ToyProblem.trained
    let fresh = ToyProblem.untrainedNet(seed: 5)
    let comparison = try MaxLogitComparison.models(
      trained, named: "trained", fresh, named: "init", images: ToyProblem.test.images,
      options: MaxLogitOptions(binning: .automatic(binCount: 12)))
    #expect(comparison.first.histogram.counts.count == 12)
    #expect(comparison.first.histogram.edges == comparison.second.histogram.edges)
    #expect(comparison.meanDifference > 0)
  }

  @Test func noiseImagesAreSeededAndChecked() throws {
    let a = try NoiseImages.uniform(shape: [2, 1, 4, 4], lower: -1, upper: 1, seed: 3)
    let b = try NoiseImages.uniform(shape: [2, 1, 4, 4], lower: -1, upper: 1, seed: 3)
    #expect(a == b && a.data.allSatisfy { $0 >= -1 && $0 < 1 })
    let g = try NoiseImages.gaussian(shape: [50, 1, 8, 8], mean: 2, std: 0.5, seed: 1)
    let mean = g.data.reduce(0, +) / Float(g.count)
    #expect(abs(mean - 2) < 0.05)
    #expect(throws: CalibrationError.self) { try NoiseImages.gaussian(shape: [2, 4, 4], seed: 1) }
    #expect(throws: CalibrationError.self) {
      try NoiseImages.uniform(shape: [1, 1, 2, 2], lower: 1, upper: 0, seed: 1)
    }
    #expect(throws: CalibrationError.self) {
      try MaxLogitStatistics.of(ToyProblem.trained, images: a)  // 4×4 images, net wants 8×8
    }
  }
}

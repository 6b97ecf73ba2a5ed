import TensorCore
import Testing

@testable import Analysis

@Suite struct PCATests {
  let fixture = TSNEFixture.shared

  /// The t-SNE start: PCA scores scaled to std 1e-4 in the first column, as scikit-learn's.
  @Test func tsneStartMatchesScikitLearnUpToSign() throws {
    let options = fixture.options(.exact)
    let start = try TSNE.initialEmbedding(fixture.points, options: options)
    for column in 0..<2 {
      let ours = stride(from: column, to: start.count, by: 2).map { start[$0] }
      let theirs = stride(from: column, to: start.count, by: 2).map { fixture.pca_init[$0] }
      let sign = (zip(ours, theirs).map { $0 * $1 }.reduce(0, +)) < 0 ? -1.0 : 1.0
      let error = relativeDifference(ours.map { $0 * sign }, theirs)
      #expect(error < 1e-4, "column \(column): relative error \(error)")
    }
  }

  @Test func gramAndCovarianceRoutesAgree() throws {
    // 6 points in 10 dimensions take the Gram route; the same points twice (12 > 10) take the
    // covariance route and have the same axes, so the same scores.
    let raw = NDArray(shape: [6, 10], data: (0..<60).map { Float(($0 * 37) % 11) - 5 })
    let wide = raw - raw.mean(axes: [0], keepDims: true)
    let scores = try PCA.scores(wide, components: 2)
    let tall = NDArray(shape: [12, 10], data: wide.data + wide.data)
    let tallScores = try PCA.scores(tall, components: 2)
    let error = relativeDifference(
      scores.data.map { Double($0) }, tallScores.data.prefix(12).map { Double($0) })
    #expect(error < 1e-4, "\(error)")
  }
}

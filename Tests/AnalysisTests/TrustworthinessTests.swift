import TensorCore
import Testing

@testable import Analysis

@Suite struct TrustworthinessTests {
  let fixture = TSNEFixture.shared

  @Test func matchesScikitLearnOnItsEmbedding() throws {
    let embedding = try #require(fixture.sklearn_exact.embedding)
    let y = NDArray(shape: [fixture.n, 2], data: embedding.map { Float($0) })
    let t = try Trustworthiness.score(input: fixture.points, embedding: y, neighbors: 5)
    #expect(abs(t - fixture.sklearn_exact.trustworthiness) < 1e-12)
  }

  @Test func anIsometryIsFullyTrustworthy() throws {
    let x = fixture.points
    #expect(try Trustworthiness.score(input: x, embedding: x * 3) == 1)
  }

  @Test func badNeighbourCountsThrow() {
    let x = fixture.points
    #expect(throws: AnalysisError.self) {
      try Trustworthiness.score(input: x, embedding: x, neighbors: 75)
    }
    #expect(throws: AnalysisError.self) {
      try Trustworthiness.score(input: x, embedding: x, neighbors: 0)
    }
  }
}

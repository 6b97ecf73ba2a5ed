import Foundation
import TensorCore
import Testing

@testable import Analysis

@Suite struct AffinitiesTests {
  let fixture = TSNEFixture.shared

  @Test func nearestNeighbourPMatchesScikitLearn() throws {
    let p = try TSNE.affinities(fixture.points, options: fixture.options(.exact))
    #expect(p.rowStarts == fixture.p_row_starts)
    #expect(p.columns.map { Int($0) } == fixture.p_columns)
    let worst = zip(p.values, fixture.p_values).map { abs($0 - $1) }.max() ?? .infinity
    let worstRelative = zip(p.values, fixture.p_values).map { abs($0 - $1) / $1 }.max() ?? 1
    // The fixture keeps 9 significant digits.
    #expect(worst < 1e-6 && worstRelative < 1e-7, "max |Δp| \(worst), relative \(worstRelative)")
    #expect(abs(p.values.reduce(0, +) - 1) < 1e-12)
  }

  @Test func pIsSymmetric() throws {
    let p = try TSNE.affinities(fixture.points, options: fixture.options(.exact))
    for i in stride(from: 0, to: p.count, by: 7) {
      for e in p.rowStarts[i]..<p.rowStarts[i + 1] {
        #expect(p.values[e] == p.value(row: Int(p.columns[e]), column: i))
      }
    }
  }

  @Test func conditionalRowsHitThePerplexity() {
    let distances = (0..<40).map { Double($0) * 0.37 + 0.1 }
    var row = [Double](repeating: 0, count: distances.count)
    row.withUnsafeMutableBufferPointer {
      PerplexitySearch.conditionalRow(distances, perplexity: 12, into: $0.baseAddress!)
    }
    let entropy = -row.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) }
    #expect(abs(row.reduce(0, +) - 1) < 1e-12)
    #expect(abs(entropy - log(12)) < 1e-5)
  }

  @Test(arguments: [1, 7, 40])
  func nearestNeighborsMatchBruteForce(k: Int) {
    let x = fixture.points
    let graph = NearestNeighbors.search(x, k: k)
    for i in [0, 17, 80, 149] {
      let distances = Trustworthiness.squaredDistances(
        from: i, x.data.map { Double($0) }, dimension: x.shape[1])
      let expected = distances.indices.sorted {
        distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1
      }.prefix(k)
      #expect(graph.indices[(i * k)..<((i + 1) * k)].map { Int($0) } == Array(expected))
      #expect(graph.squaredDistances[i * k] == distances[expected.first ?? 0])
    }
  }
}

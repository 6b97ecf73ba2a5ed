import Foundation
import TensorCore
import Testing

@testable import Analysis

/// The t-SNE gradient 4 Σⱼ (pᵢⱼ − wᵢⱼ/Z) wᵢⱼ (yᵢ − yⱼ) and KL at a fixed embedding, against
/// scikit-learn's `_kl_divergence` (dense P) and `_kl_divergence_bh` at angle 0 (kNN P).
@Suite struct GradientTests {
  let fixture = TSNEFixture.shared

  /// The gradient and KL at `y` with `repulsion`, as one descent step computes them (α = 1).
  static func gradient(_ p: AffinityMatrix, _ y: [Double], _ repulsion: any Repulsion)
    -> (gradient: [Double], kl: Double)
  {
    var repulsion = repulsion
    var attraction = [Double](repeating: 0, count: y.count)
    var forces = attraction
    Attraction.forces(Attraction.Entries(p), y, dimensions: 2, scale: 1, into: &attraction)
    let z = repulsion.forces(y, into: &forces)
    let gradient = zip(attraction, forces).map { 4 * ($0 - $1 / z) }
    let kl = p.negativeEntropy - Attraction.logKernelSum(p, y, dimensions: 2) + log(z)
    return (gradient, kl)
  }

  func affinities(_ kind: TSNEOptions.Affinities) throws -> AffinityMatrix {
    try TSNE.affinities(fixture.points, options: fixture.options(.exact, affinities: kind))
  }

  @Test func exactDenseGradientMatchesScikitLearn() throws {
    let (g, kl) = Self.gradient(
      try affinities(.dense), fixture.y0, ExactRepulsion(dimensions: 2))
    let error = relativeDifference(g, fixture.gradient_dense_at_y0)
    #expect(error < 1e-7, "relative gradient error \(error)")
    #expect(abs(kl - fixture.kl_dense_at_y0) < 1e-7, "KL \(kl) vs \(fixture.kl_dense_at_y0)")
  }

  @Test func exactSparseGradientMatchesScikitLearn() throws {
    // scikit-learn's Barnes–Hut code works in float32, hence the looser tolerance.
    let (g, kl) = Self.gradient(
      try affinities(.nearestNeighbors), fixture.y0, ExactRepulsion(dimensions: 2))
    let error = relativeDifference(g, fixture.gradient_sparse_at_y0)
    #expect(error < 1e-5, "relative gradient error \(error)")
    #expect(abs(kl - fixture.kl_sparse_at_y0) < 1e-5, "KL \(kl) vs \(fixture.kl_sparse_at_y0)")
  }

  @Test(arguments: [1.0, 8.0])
  func barnesHutApproximatesExact(scale: Double) throws {
    let p = try affinities(.nearestNeighbors)
    let y = fixture.y0.map { $0 * scale }
    let exact = Self.gradient(p, y, ExactRepulsion(dimensions: 2))
    let zero = Self.gradient(p, y, BarnesHutRepulsion(theta: 0))
    let half = Self.gradient(p, y, BarnesHutRepulsion(theta: 0.5))
    #expect(relativeDifference(zero.gradient, exact.gradient) < 1e-12)
    #expect(relativeDifference(half.gradient, exact.gradient) < 2e-2)
    #expect(abs(half.kl - exact.kl) < 2e-3 * abs(exact.kl) + 1e-3, "\(half.kl) vs \(exact.kl)")
  }

  /// The repulsion alone (−force / Z, and Z) against the exact sums, held to openTSNE's
  /// accuracy at the same points (its FFT interpolation with the same settings, in Double):
  /// FIt-SNE's error grows with the box side relative to the clusters, hence the scales.
  @Test(arguments: [0, 1, 2])
  func fftIsAsAccurateAsOpenTSNE(case index: Int) throws {
    let reference = fixture.opentsne_fft_errors[index]
    let y = fixture.y0.map { $0 * reference.scale }
    var exactForces = [Double](repeating: 0, count: y.count)
    var fftForces = exactForces
    var exact = ExactRepulsion(dimensions: 2)
    let fft = FFTRepulsion(interpolationPoints: 3, minimumBoxes: 50)
    let z = exact.forces(y, into: &exactForces)
    let zFFT = fft.forces(y, into: &fftForces)
    let error = relativeDifference(fftForces.map { $0 / zFFT }, exactForces.map { $0 / z })
    let zError = abs(zFFT - z) / z
    #expect(
      error <= max(1.5 * reference.gradient_error, 1e-3), "scale \(reference.scale): \(error)")
    #expect(zError <= max(1.5 * reference.z_error, 1e-4), "scale \(reference.scale): Z \(zError)")
  }
}

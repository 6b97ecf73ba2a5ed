import TensorCore
import TestSupport
import Testing

@Suite struct RandomTests {
  static func meanAndVariance(_ values: [Float]) -> (Double, Double) {
    let n = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / n
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return (mean, variance)
  }

  @Test func sameSeedGivesSameNumbers() {
    var a = RandomStream(seed: 42)
    var b = RandomStream(seed: 42)
    #expect(a.uniform(1000) == b.uniform(1000))
    #expect(a.normal(999) == b.normal(999))
    #expect(a.permutation(50) == b.permutation(50))
    #expect(a.nextDouble() == b.nextDouble())
    #expect(a.counter == b.counter)
  }

  @Test func differentSeedsStreamsAndSplitsDiffer() {
    var base = RandomStream(seed: 42)
    var otherSeed = RandomStream(seed: 43)
    var otherStream = RandomStream(seed: 42, stream: 1)
    var child0 = base.split(0)
    var child1 = base.split(1)
    let draws = [
      base.uniform(64), otherSeed.uniform(64), otherStream.uniform(64), child0.uniform(64),
      child1.uniform(64),
    ]
    for i in 0..<draws.count {
      for j in (i + 1)..<draws.count { #expect(draws[i] != draws[j], "draws \(i) and \(j)") }
    }
    // Successive draws from one stream differ too.
    #expect(base.uniform(64) != draws[0])
  }

  @Test func counterAdvancesByWholeBlocks() {
    var rng = RandomStream(seed: 1)
    _ = rng.uniform(5)  // 2 blocks of 4
    #expect(rng.counter == 2)
    _ = rng.normal(3)  // 2 blocks of 2
    #expect(rng.counter == 4)
    _ = rng.nextDouble()
    #expect(rng.counter == 5)
  }

  @Test func uniformMeanAndVariance() {
    var rng = RandomStream(seed: 7)
    let values = rng.uniform(100_000)
    #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
    let (mean, variance) = Self.meanAndVariance(values)
    // Standard errors: 9e-4 for the mean, 2.4e-4 for the variance; allow about 5.
    #expect(Swift.abs(mean - 0.5) < 0.005, "mean \(mean)")
    #expect(Swift.abs(variance - 1.0 / 12) < 0.0015, "variance \(variance)")
    let scaled = rng.uniform(10_000, low: -2, high: 3)
    #expect(scaled.allSatisfy { $0 >= -2 && $0 < 3 })
  }

  @Test func normalMeanAndVariance() {
    var rng = RandomStream(seed: 8)
    let (mean, variance) = Self.meanAndVariance(rng.normal(100_000))
    // Standard errors: 3.2e-3 for the mean, 4.5e-3 for the variance.
    #expect(Swift.abs(mean) < 0.016, "mean \(mean)")
    #expect(Swift.abs(variance - 1) < 0.025, "variance \(variance)")
    let (m2, v2) = Self.meanAndVariance(rng.normal(100_000, mean: 3, std: 0.5))
    #expect(Swift.abs(m2 - 3) < 0.008, "mean \(m2)")
    #expect(Swift.abs(v2 - 0.25) < 0.007, "variance \(v2)")
  }

  @Test(arguments: [0, 1, 2, 10, 1000])
  func permutationIsAPermutation(count: Int) {
    var rng = RandomStream(seed: 9)
    let p = rng.permutation(count)
    #expect(p.sorted() == Array(0..<count))
    if count >= 10 { #expect(p != Array(0..<count)) }
  }

  @Test func integersStayInRangeAndCoverIt() {
    var rng = RandomStream(seed: 10)
    let values = (0..<2000).map { _ in rng.int(in: -3..<4) }
    #expect(values.allSatisfy { (-3..<4).contains($0) })
    #expect(Set(values).count == 7)
  }

  @Test func betaAndGammaMeans() {
    var rng = RandomStream(seed: 11)
    let n = 20_000
    let beta11 = (0..<n).map { _ in rng.beta(1, 1) }
    let mean11 = beta11.reduce(0, +) / Double(n)
    #expect(beta11.allSatisfy { $0 >= 0 && $0 <= 1 })
    // Beta(1, 1) is uniform: standard error of the mean 2e-3.
    #expect(Swift.abs(mean11 - 0.5) < 0.01, "Beta(1,1) mean \(mean11)")
    let mean25 = (0..<n).map { _ in rng.beta(2, 5) }.reduce(0, +) / Double(n)
    #expect(Swift.abs(mean25 - 2.0 / 7) < 0.01, "Beta(2,5) mean \(mean25)")
    let gammaHalf = (0..<n).map { _ in rng.gamma(shape: 0.5) }.reduce(0, +) / Double(n)
    #expect(Swift.abs(gammaHalf - 0.5) < 0.03, "Gamma(0.5) mean \(gammaHalf)")
  }

  @Test func samplersAreTotalOverTheirShape() {
    var rng = RandomStream(seed: 13)
    for shape in [0, -1, Double.nan, .infinity] {
      #expect(rng.gamma(shape: shape).isNaN)
      #expect(rng.beta(shape, 1).isNaN)
    }
    // Tiny shapes: the draws underflow, λ is still 0 or 1 (a coin flip), never NaN.
    for shape in [1e-5, 1e-40, 1e-300, Double.leastNonzeroMagnitude] {
      let draws = (0..<400).map { _ in rng.beta(shape, shape) }
      #expect(draws.allSatisfy { $0 >= 0 && $0 <= 1 }, "Beta(\(shape))")
      let ones = draws.filter { $0 > 0.5 }.count
      #expect((120...280).contains(ones), "Beta(\(shape)) gave \(ones) of 400 above ½")
    }
    // Huge shapes concentrate at ½ and terminate.
    for shape in [1e6, 1e300, Double.greatestFiniteMagnitude] {
      let draw = rng.beta(shape, shape)
      #expect(Swift.abs(draw - 0.5) < 0.01, "Beta(\(shape)) = \(draw)")
    }
  }

  @Test func bernoulliMaskKeepsTheRightFraction() {
    var rng = RandomStream(seed: 12)
    let mask = rng.bernoulliMask(50_000, dropProbability: 0.3)
    #expect(mask.allSatisfy { $0 == 0 || $0 == 1 })
    let kept = Double(mask.reduce(0, +)) / 50_000
    #expect(Swift.abs(kept - 0.7) < 0.01, "kept \(kept)")
  }

  @Test func drawsDoNotDependOnThreadCount() {
    func draw() -> ([Float], [Float]) {
      var rng = RandomStream(seed: 13, stream: 5)
      return (rng.uniform(100_003), rng.normal(100_001))
    }
    let one = ThreadCount.with(1, draw)
    for threads in [2, 3] {
      let many = ThreadCount.with(threads, draw)
      #expect(one.0.map(\.bitPattern) == many.0.map(\.bitPattern), "uniform, \(threads) threads")
      #expect(one.1.map(\.bitPattern) == many.1.map(\.bitPattern), "normal, \(threads) threads")
    }
  }
}

import TensorCore
import TestSupport
import Testing

@Suite struct GridSampleTests {
  @Test(arguments: [false, true])
  func identityGridReproducesInput(alignCorners: Bool) {
    let x = TestInputs.uniform([2, 3, 5, 6], seed: 70)
    let grid = TestInputs.identityGrid(batch: 2, height: 5, width: 6, alignCorners: alignCorners)
    let y = x.gridSample(grid, alignCorners: alignCorners)
    #expect(y.shape == x.shape)
    let comparison = Approx.compare(y, x, rtol: 1e-5, atol: 1e-6)
    #expect(comparison.passed, "\(comparison)")
  }

  @Test(arguments: [false, true])
  func randomAffineGridMatchesReference(alignCorners: Bool) {
    let x = TestInputs.uniform([2, 2, 5, 4], seed: 71)
    let grid = TestInputs.randomAffineGrid(
      batch: 2, height: 6, width: 3, alignCorners: alignCorners, jitter: 0.4, seed: 72)
    let y = x.gridSample(grid, alignCorners: alignCorners)
    #expect(y.shape == [2, 2, 6, 3])
    let expected = Reference.gridSample(x, grid, alignCorners: alignCorners)
    let comparison = Approx.compare(y.data, expected, rtol: 1e-4, atol: 1e-5)
    #expect(comparison.passed, "\(comparison)")
  }

  @Test(arguments: [false, true])
  func backwardIsAdjoint(alignCorners: Bool) {
    let x = TestInputs.uniform([2, 3, 4, 5], seed: 73)
    let grid = TestInputs.randomAffineGrid(
      batch: 2, height: 3, width: 4, alignCorners: alignCorners, jitter: 0.5, seed: 74)
    let y = x.gridSample(grid, alignCorners: alignCorners)
    let g = TestInputs.uniform(y.shape, seed: 75)
    let gx = NDArray.gridSampleBackward(
      g, grid: grid, inputShape: x.shape, alignCorners: alignCorners)
    #expect(gx.shape == x.shape)
    #expect(Approx.isClose(g.dot(y), gx.dot(x), rtol: 1e-5, atol: 1e-6))
  }

  @Test func pointsOutsideSampleZero() {
    let x = NDArray(repeating: 1, shape: [1, 1, 3, 3])
    // Far outside, NaN, and beyond Int's range (which must not trap in floor → Int).
    let grid = NDArray(shape: [1, 1, 5, 2], data: [5, 5, -3, 0, .nan, 0, 1e30, 0, 0, -1e30])
    let y = x.gridSample(grid, alignCorners: false)
    #expect(y.data == [0, 0, 0, 0, 0])
    let g = NDArray(repeating: 1, shape: [1, 1, 1, 5])
    let gx = NDArray.gridSampleBackward(g, grid: grid, inputShape: x.shape, alignCorners: true)
    #expect(gx == NDArray.zeros(x.shape))
  }
}

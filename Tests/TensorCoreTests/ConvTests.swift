import TensorCore
import TestSupport
import Testing

@Suite struct ConvTests {
  /// One convolution geometry: input [N, C, H, W], filter [O, C, KH, KW].
  struct Case: Sendable, CustomStringConvertible {
    let input: [Int]
    let filter: [Int]
    let stride: Int
    let padding: Int
    var description: String { "x\(input) w\(filter) s\(stride) p\(padding)" }
    /// F(4×4, 3×3)'s larger transform coefficients (up to 8 in Aᵀ, 5 in Bᵀ) cost Float
    /// accuracy: errors up to 4.4e-5 on these sums of ≤ 153 terms, ≈ 10× F(2×2)'s.
    var tolerance: Double {
      let g = try? ConvGeometry(input: input, filter: filter, stride: stride, padding: padding)
      return g?.winogradTile == 4 ? 1e-4 : 1e-5
    }
  }

  static let cases: [Case] = [
    Case(input: [1, 1, 5, 5], filter: [1, 1, 3, 3], stride: 1, padding: 0),
    Case(input: [2, 3, 6, 7], filter: [4, 3, 3, 3], stride: 1, padding: 1),
    Case(input: [2, 2, 7, 5], filter: [3, 2, 3, 2], stride: 2, padding: 1),
    Case(input: [1, 2, 8, 9], filter: [2, 2, 5, 5], stride: 2, padding: 3),
    Case(input: [2, 1, 4, 4], filter: [2, 1, 4, 4], stride: 1, padding: 0),
    Case(input: [1, 2, 3, 3], filter: [2, 2, 1, 1], stride: 3, padding: 0),
    // Padding as large as the kernel, and taps kx with no valid output column at all.
    Case(input: [2, 1, 1, 4], filter: [2, 1, 3, 3], stride: 3, padding: 1),
    Case(input: [1, 2, 3, 2], filter: [1, 2, 2, 5], stride: 2, padding: 2),
    Case(input: [1, 1, 2, 2], filter: [1, 1, 1, 1], stride: 1, padding: 3),
    // Size-preserving (stride 1, "same" padding): one contiguous span per tap, including
    // spans wider than the image (|dx| ≥ W, |dy| ≥ H) and 1×1 kernels.
    Case(input: [2, 2, 6, 5], filter: [2, 2, 5, 5], stride: 1, padding: 2),
    Case(input: [2, 1, 1, 4], filter: [2, 1, 3, 3], stride: 1, padding: 1),
    Case(input: [1, 2, 3, 1], filter: [3, 2, 3, 3], stride: 1, padding: 1),
    Case(input: [2, 3, 2, 2], filter: [2, 3, 5, 5], stride: 1, padding: 2),
    Case(input: [1, 2, 3, 3], filter: [2, 2, 1, 1], stride: 1, padding: 0),
    // Blocks of one image (64×64 outputs): 3 blocks, filter-gradient groups of one block.
    Case(input: [3, 2, 64, 64], filter: [2, 2, 3, 3], stride: 1, padding: 1),
    // 38×38 outputs: 7 one-image blocks in 4 filter-gradient groups (1 + 2 + 2 + 2).
    Case(input: [7, 1, 40, 40], filter: [2, 1, 3, 3], stride: 1, padding: 0),
    // 8×8 outputs: blocks of 8 images (8 + 3), gathered output rows.
    Case(input: [11, 2, 8, 8], filter: [3, 2, 3, 3], stride: 1, padding: 1),
    // 5×5 outputs, stride 2: blocks of 20 images (20 + 20 + 5).
    Case(input: [45, 2, 10, 10], filter: [2, 2, 3, 3], stride: 2, padding: 1),
    // Winograd F(2×2, 3×3) (3×3, stride 1, ≥ 16 channels, outputs under 8 on a side): odd
    // output sizes (half tiles), no padding, padding 2, a 1×1 output, and 60 images of 9
    // tiles in 4 blocks of 15.
    Case(input: [2, 16, 7, 9], filter: [16, 16, 3, 3], stride: 1, padding: 1),
    Case(input: [3, 16, 8, 8], filter: [20, 16, 3, 3], stride: 1, padding: 0),
    Case(input: [2, 17, 6, 5], filter: [16, 17, 3, 3], stride: 1, padding: 2),
    Case(input: [2, 16, 1, 1], filter: [16, 16, 3, 3], stride: 1, padding: 1),
    Case(input: [60, 16, 6, 6], filter: [16, 16, 3, 3], stride: 1, padding: 1),
    // F(4×4, 3×3) (outputs at least 12 on a side): cut-off tiles in both directions, no
    // padding with O ≠ C, padding 2, and 30 images of 9 tiles in 4 blocks (7, 8, 7, 8).
    Case(input: [2, 16, 13, 14], filter: [16, 16, 3, 3], stride: 1, padding: 1),
    Case(input: [2, 17, 14, 16], filter: [18, 17, 3, 3], stride: 1, padding: 0),
    Case(input: [1, 16, 10, 10], filter: [16, 16, 3, 3], stride: 1, padding: 2),
    Case(input: [30, 16, 12, 12], filter: [16, 16, 3, 3], stride: 1, padding: 1),
  ]

  @Test func winogradTakesTheWideThreeByThreeCases() throws {
    for c in Self.cases {
      let g = try ConvGeometry(
        input: c.input, filter: c.filter, stride: c.stride, padding: c.padding)
      let wide = c.filter[2] == 3 && c.filter[3] == 3 && c.stride == 1 && c.filter[0] >= 16
      #expect(g.usesWinograd == wide, "\(c)")
      let large = min(g.outHeight, g.outWidth) >= 12
      #expect(g.winogradTile == (wide ? (large ? 4 : 2) : nil), "\(c)")
    }
    // Both tile sizes are exercised by the geometry tests below.
    let tiles = try Self.cases.compactMap {
      try ConvGeometry(input: $0.input, filter: $0.filter, stride: $0.stride, padding: $0.padding)
        .winogradTile
    }
    #expect(Set(tiles) == [2, 4])
  }

  @Test(arguments: cases)
  func forwardMatchesNaiveLoop(_ c: Case) throws {
    let x = TestInputs.uniform(c.input, seed: 50)
    let w = TestInputs.uniform(c.filter, seed: 51)
    let b = TestInputs.uniform([c.filter[0]], seed: 52)
    let geometry = try ConvGeometry(
      input: c.input, filter: c.filter, stride: c.stride, padding: c.padding)
    let expectedShape = Reference.convOutputShape(c.input, c.filter, c.stride, c.padding)
    #expect(geometry.outputShape == expectedShape)
    for bias in [nil, b] {
      let y = x.conv2d(w, bias: bias, stride: c.stride, padding: c.padding)
      #expect(y.shape == expectedShape)
      let expected = Reference.conv2d(x, w, bias: bias, stride: c.stride, padding: c.padding)
      let comparison = Approx.compare(y.data, expected, rtol: c.tolerance, atol: c.tolerance)
      #expect(comparison.passed, "\(c) bias \(bias != nil): \(comparison)")
    }
  }

  @Test(arguments: cases)
  func backwardInputMatchesNaiveLoop(_ c: Case) {
    let w = TestInputs.uniform(c.filter, seed: 53)
    let g = TestInputs.uniform(
      Reference.convOutputShape(c.input, c.filter, c.stride, c.padding), seed: 54)
    let gx = NDArray.conv2dBackwardInput(
      g, filter: w, inputShape: c.input, stride: c.stride, padding: c.padding)
    #expect(gx.shape == c.input)
    let expected = Reference.conv2dBackwardInput(
      g, w, inputShape: c.input, stride: c.stride, padding: c.padding)
    let comparison = Approx.compare(gx.data, expected, rtol: c.tolerance, atol: c.tolerance)
    #expect(comparison.passed, "\(c): \(comparison)")
  }

  @Test(arguments: cases)
  func backwardFilterMatchesNaiveLoop(_ c: Case) {
    let x = TestInputs.uniform(c.input, seed: 55)
    let g = TestInputs.uniform(
      Reference.convOutputShape(c.input, c.filter, c.stride, c.padding), seed: 56)
    let gw = NDArray.conv2dBackwardFilter(
      x, g, filterShape: c.filter, stride: c.stride, padding: c.padding)
    #expect(gw.shape == c.filter)
    let expected = Reference.conv2dBackwardFilter(
      x, g, filterShape: c.filter, stride: c.stride, padding: c.padding)
    // Filter gradients sum over N·OH·OW terms; allow for Float accumulation.
    let comparison = Approx.compare(
      gw.data, expected, rtol: 10 * c.tolerance, atol: 10 * c.tolerance)
    #expect(comparison.passed, "\(c): \(comparison)")
  }

  /// The fused backward (one transform of g for both gradients under Winograd) computes
  /// the same blocks the same way as the two separate calls.
  @Test(arguments: cases)
  func fusedBackwardEqualsSeparateCalls(_ c: Case) {
    let x = TestInputs.uniform(c.input, seed: 60)
    let w = TestInputs.uniform(c.filter, seed: 61)
    let g = TestInputs.uniform(
      Reference.convOutputShape(c.input, c.filter, c.stride, c.padding), seed: 62)
    let (gx, gw) = NDArray.conv2dBackward(
      g, input: x, filter: w, stride: c.stride, padding: c.padding)
    #expect(
      gx
        == NDArray.conv2dBackwardInput(
          g, filter: w, inputShape: c.input, stride: c.stride, padding: c.padding), "\(c)")
    #expect(
      gw
        == NDArray.conv2dBackwardFilter(
          x, g, filterShape: c.filter, stride: c.stride, padding: c.padding), "\(c)")
  }

  /// Transformed filters are reused while the filter's bits are unchanged, never after.
  @Test func winogradFilterCacheReusesOnlyIdenticalFilters() {
    let x = TestInputs.uniform([2, 16, 12, 12], seed: 63)
    var w = TestInputs.uniform([16, 16, 3, 3], seed: 64)
    let first = x.conv2d(w, stride: 1, padding: 1)
    #expect(x.conv2d(w, stride: 1, padding: 1) == first)
    let copy = NDArray(shape: w.shape, data: w.data.map { $0 })
    #expect(x.conv2d(copy, stride: 1, padding: 1) == first)
    w.data[5] += 0.25
    let changed = x.conv2d(w, stride: 1, padding: 1)
    let expected = Reference.conv2d(x, w, bias: nil, stride: 1, padding: 1)
    let comparison = Approx.compare(changed.data, expected, rtol: 1e-4, atol: 1e-4)
    #expect(comparison.passed, "\(comparison)")
  }

  @Test(arguments: [9, 22, 26])
  func resultsDoNotDependOnThreadCount(_ index: Int) {
    let c = Self.cases[index]
    let x = TestInputs.uniform(c.input, seed: 57)
    let w = TestInputs.uniform(c.filter, seed: 58)
    let one = ThreadCount.with(1) { x.conv2d(w, stride: c.stride, padding: c.padding) }
    let three = ThreadCount.with(3) { x.conv2d(w, stride: c.stride, padding: c.padding) }
    #expect(one == three)
    let g = TestInputs.uniform(one.shape, seed: 59)
    let gx = {
      NDArray.conv2dBackwardInput(g, filter: w, inputShape: c.input, stride: 1, padding: c.padding)
    }
    #expect(ThreadCount.with(1, gx) == ThreadCount.with(3, gx))
    let gw = {
      NDArray.conv2dBackwardFilter(x, g, filterShape: c.filter, stride: 1, padding: c.padding)
    }
    #expect(ThreadCount.with(1, gw) == ThreadCount.with(3, gw))
  }
}

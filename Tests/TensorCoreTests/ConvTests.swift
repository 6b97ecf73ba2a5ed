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
    // Winograd F(2×2, 3×3) (3×3, stride 1, ≥ 16 channels): odd output sizes (half tiles),
    // no padding, padding 2, a 1×1 output, and 21 images of 16 tiles in 4 blocks (5, 5, 5, 6).
    Case(input: [2, 16, 7, 9], filter: [16, 16, 3, 3], stride: 1, padding: 1),
    Case(input: [3, 16, 8, 8], filter: [20, 16, 3, 3], stride: 1, padding: 0),
    Case(input: [2, 17, 6, 5], filter: [16, 17, 3, 3], stride: 1, padding: 2),
    Case(input: [2, 16, 1, 1], filter: [16, 16, 3, 3], stride: 1, padding: 1),
    Case(input: [21, 16, 8, 8], filter: [16, 16, 3, 3], stride: 1, padding: 1),
  ]

  @Test func winogradTakesTheWideThreeByThreeCases() throws {
    for c in Self.cases {
      let g = try ConvGeometry(
        input: c.input, filter: c.filter, stride: c.stride, padding: c.padding)
      let wide = c.filter[2] == 3 && c.filter[3] == 3 && c.stride == 1 && c.filter[0] >= 16
      #expect(g.usesWinograd == wide, "\(c)")
    }
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
      let comparison = Approx.compare(y.data, expected, rtol: 1e-5, atol: 1e-5)
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
    let comparison = Approx.compare(gx.data, expected, rtol: 1e-5, atol: 1e-5)
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
    let comparison = Approx.compare(gw.data, expected, rtol: 1e-4, atol: 1e-4)
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

  @Test(arguments: [9, 22])
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

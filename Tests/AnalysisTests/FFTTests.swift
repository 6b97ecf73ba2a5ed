import Foundation
import TensorCore
import Testing

@testable import Analysis

@Suite struct FFTTests {
  @Test func lengthsAreSmooth() {
    #expect(BatchedFFT.radices(of: 768) == [4, 4, 4, 4, 3])
    #expect(BatchedFFT.radices(of: 96) == [4, 4, 2, 3])
    #expect(BatchedFFT.radices(of: 10) == nil)
    #expect(BatchedFFT.goodLength(atLeast: 299) == 324)
    #expect(BatchedFFT.goodLength(atLeast: 513) == 576)
    #expect(BatchedFFT.goodLength(atLeast: 1) == 1)
  }

  /// Random columns, transformed forward then back: length · x again; and the first row
  /// (frequency 0 in any digit order) is the column sum.
  @Test(arguments: [1, 2, 3, 4, 6, 8, 9, 12, 48, 96, 384])
  func roundTripAndZeroFrequency(length: Int) throws {
    let fft = try #require(BatchedFFT(length: length))
    let width = 16
    var rng = RandomStream(seed: UInt64(length))
    let (re0, im0) = (rng.uniform(length * width, low: -1), rng.uniform(length * width, low: -1))
    var (re, im) = (re0, im0)
    re.withSharedPointer { r in
      im.withSharedPointer { i in fft.forward(r, i, stride: width, columns: 0..<width) }
    }
    for c in 0..<width {
      let sum = (0..<length).reduce(0.0) { $0 + Double(re0[$1 * width + c]) }
      #expect(abs(Double(re[c]) - sum) < 1e-4 * Double(length))
    }
    re.withSharedPointer { r in
      im.withSharedPointer { i in fft.inverse(r, i, stride: width, columns: 0..<width) }
    }
    let scale = Float(length)
    let worst = zip(re + im, re0 + im0).map { abs($0 / scale - $1) }.max() ?? 0
    #expect(worst < 2e-6 * Float(max(1, length.trailingZeroBitCount + 2)), "\(worst)")
  }

  /// The padded FFT convolution against the direct double sum.
  @Test(arguments: [(1, 1), (5, 9), (7, 16), (12, 24)])
  func gridConvolutionMatchesDirectSum(size: Int, length: Int) {
    let conv = GridConvolution(size: size, length: length)
    let kernel: (Double) -> Double = { r2 in 1 / ((1 + 0.3 * r2) * (1 + 0.3 * r2)) }
    conv.setKernel(kernel)
    var rng = RandomStream(seed: 9)
    let (re0, im0) = (rng.uniform(size * size, low: -1), rng.uniform(size * size))
    var (re, im) = (re0, im0)
    conv.convolve(re: &re, im: &im)
    var worst = 0.0
    for a in 0..<size {
      for b in 0..<size {
        var (sr, si) = (0.0, 0.0)
        for a2 in 0..<size {
          for b2 in 0..<size {
            let k = kernel(Double((a - a2) * (a - a2) + (b - b2) * (b - b2)))
            sr += k * Double(re0[a2 * size + b2])
            si += k * Double(im0[a2 * size + b2])
          }
        }
        worst = max(worst, abs(sr - Double(re[a * size + b])), abs(si - Double(im[a * size + b])))
      }
    }
    #expect(worst < 1e-5, "max error \(worst)")
  }
}

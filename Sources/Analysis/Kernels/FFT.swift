import Foundation
import TensorCore

/// Complex FFTs of length 2ᵃ3ᵇ along axis 0 of a split-complex [length, stride] Float array,
/// many columns at once: every butterfly combines whole rows, 8 columns per SIMD operation.
///
/// `forward` is a decimation-in-frequency FFT (Sande–Tukey) in place: natural-order input,
/// output in the digit-reversed order of its radices. `inverse` runs the inverse stages in
/// the opposite order, so it takes that digit-reversed order back to natural order and
/// returns length · x (unnormalised). A convolution never needs the natural frequency order:
/// spectra it multiplies were made by the same `forward`. Twiddles are computed in Double
/// and rounded once, so the round trip is accurate to a few Float ulps times log₂(length).
/// `stride` and the column ranges must be multiples of 8.
struct BatchedFFT: Sendable {
  typealias Lanes = SIMD8<Float>

  /// One radix-r pass over blocks of r · span rows; twiddle (q, j) = e^{−2πi qj / (r·span)}
  /// for q in 1..<r at `(q − 1) · span + j`.
  struct Stage: Sendable {
    let radix: Int
    let span: Int
    let cosines: [Float]
    let sines: [Float]
  }

  let length: Int
  let stages: [Stage]
  /// Columns per cache block: [length, 64] of re and im (≤ 400 KB at length 768) stay in L2
  /// through all the stages.
  static let columnBlock = 64

  /// Nil unless `length` is 2ᵃ3ᵇ (≥ 1).
  init?(length: Int) {
    guard let radices = Self.radices(of: length) else { return nil }
    self.length = length
    var stages: [Stage] = []
    var n = length
    for r in radices {
      let span = n / r
      var cosines = [Float](repeating: 1, count: (r - 1) * span)
      var sines = [Float](repeating: 0, count: (r - 1) * span)
      for q in 1..<r {
        for j in 0..<span {
          let angle = -2 * Double.pi * Double(q * j) / Double(n)
          cosines[(q - 1) * span + j] = Float(Foundation.cos(angle))
          sines[(q - 1) * span + j] = Float(Foundation.sin(angle))
        }
      }
      stages.append(Stage(radix: r, span: span, cosines: cosines, sines: sines))
      n = span
    }
    self.stages = stages
  }

  /// Radix-4 passes first, then one radix-2 when a is odd, then radix-3 passes.
  static func radices(of length: Int) -> [Int]? {
    guard length >= 1 else { return nil }
    var (rest, twos, threes) = (length, 0, 0)
    while rest % 2 == 0 {
      rest /= 2
      twos += 1
    }
    while rest % 3 == 0 {
      rest /= 3
      threes += 1
    }
    guard rest == 1 else { return nil }
    return Array(repeating: 4, count: twos / 2) + (twos % 2 == 1 ? [2] : [])
      + Array(repeating: 3, count: threes)
  }

  /// The 2ᵃ3ᵇ ≥ `minimum` with the cheapest 2-D transform, L² × passes (each pass sweeps
  /// the array once), among those within 1.25 × `minimum`; ties go to the shorter.
  static func goodLength(atLeast minimum: Int) -> Int {
    var candidates: [Int] = []
    var power3 = 1
    while power3 < 2 * max(minimum, 1) {
      var candidate = power3
      while candidate < minimum { candidate *= 2 }
      candidates.append(candidate)
      power3 *= 3
    }
    let shortest = candidates.min() ?? 1
    func cost(_ l: Int) -> Int { l * l * max(1, radices(of: l)?.count ?? 0) }
    return candidates.filter { 4 * $0 <= 5 * shortest }.min {
      (cost($0), $0) < (cost($1), $1)
    } ?? shortest
  }

  /// Forward transform of columns `columns` (multiples of 8) of every row.
  func forward(
    _ re: SharedPointer<Float>, _ im: SharedPointer<Float>, stride: Int, columns: Range<Int>
  ) {
    eachBlock(columns) { c, width in
      for stage in stages { self.forwardPass(stage, re.base + c, im.base + c, stride, width) }
    }
  }

  /// Inverse (unnormalised) transform of columns `columns`.
  func inverse(
    _ re: SharedPointer<Float>, _ im: SharedPointer<Float>, stride: Int, columns: Range<Int>
  ) {
    eachBlock(columns) { c, width in
      for stage in stages.reversed() {
        self.inversePass(stage, re.base + c, im.base + c, stride, width)
      }
    }
  }

  /// Splits `columns` into cache blocks of `columnBlock` and those over the workers; each
  /// column is transformed alone, so results never depend on the split.
  private func eachBlock(_ columns: Range<Int>, _ body: (Int, Int) -> Void) {
    precondition(columns.lowerBound % 8 == 0 && columns.count % 8 == 0, "columns \(columns)")
    let blocks = (columns.count + Self.columnBlock - 1) / Self.columnBlock
    Parallel.forEachRange(blocks, costPerItem: length * Self.columnBlock * 8) { range in
      for b in range {
        let c = columns.lowerBound + b * Self.columnBlock
        body(c, min(Self.columnBlock, columns.upperBound - c))
      }
    }
  }
}

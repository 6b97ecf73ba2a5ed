import Foundation

/// A counter-based random stream (Philox4x32-10, Salmon et al., SC'11).
///
/// Element `i` of a draw depends only on the key (seed, stream) and the running counter, so
/// the same seed yields the same numbers whatever the thread count. Each draw advances the
/// counter past the blocks it used; `split(_:)` derives an independent stream.
public struct RandomStream: Sendable {
  private let key: (UInt32, UInt32)
  private let streamID: UInt64
  /// Index of the next unused 128-bit block.
  public private(set) var counter: UInt64 = 0

  /// A stream for `seed`; distinct `stream` values give independent sequences.
  public init(seed: UInt64, stream: UInt64 = 0) {
    key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    streamID = stream
  }

  /// An independent child stream (for example one per model or per epoch).
  public func split(_ index: UInt64) -> RandomStream {
    let mixed = RandomStream.mix(
      UInt64(key.0) | UInt64(key.1) << 32, streamID &+ 0x9E37_79B9, index)
    return RandomStream(seed: mixed, stream: streamID &* 31 &+ index &+ 1)
  }

  private static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    var z = a &+ b &* 0x9E37_79B9_7F4A_7C15 &+ c &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The four 32-bit words of block `index`.
  func block(_ index: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
    Philox.block(
      counter: (
        UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
        UInt32(truncatingIfNeeded: streamID), UInt32(truncatingIfNeeded: streamID >> 32)
      ),
      key: key)
  }

  /// Reserves `blocks` blocks and returns the first index.
  mutating func take(_ blocks: Int) -> UInt64 {
    let start = counter
    counter &+= UInt64(blocks)
    return start
  }

  /// `count` floats uniform on [low, high).
  public mutating func uniform(_ count: Int, low: Float = 0, high: Float = 1) -> [Float] {
    let base = take((count + 3) / 4)
    let this = self
    return makeFilled(count) { i in
      let b = this.block(base + UInt64(i / 4))
      let word: UInt32
      switch i % 4 {
      case 0: word = b.0
      case 1: word = b.1
      case 2: word = b.2
      default: word = b.3
      }
      return low + (high - low) * Philox.unit(word)
    }
  }

  /// `count` standard normal floats scaled by `std` and shifted by `mean` (Box–Muller).
  public mutating func normal(_ count: Int, mean: Float = 0, std: Float = 1) -> [Float] {
    let base = take((count + 1) / 2)
    let this = self
    return makeFilled(count) { i in
      let b = this.block(base + UInt64(i / 2))
      let (w1, w2) = i % 2 == 0 ? (b.0, b.1) : (b.2, b.3)
      let u1 = 1 - Double(Philox.unit(w1))  // (0, 1]: log stays finite
      let u2 = Double(Philox.unit(w2))
      let z = (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
      return mean + std * Float(z)
    }
  }

  /// A keep-mask: element is 1 with probability `1 - dropProbability`, else 0.
  public mutating func bernoulliMask(_ count: Int, dropProbability r: Float) -> [Float] {
    uniform(count).map { $0 < r ? 0 : 1 }
  }

  /// One uniform Double on [0, 1) with 53 random bits.
  public mutating func nextDouble() -> Double {
    let b = block(take(1))
    let bits = (UInt64(b.0) << 32 | UInt64(b.1)) >> 11
    return Double(bits) * 0x1p-53
  }

  /// A uniform integer in `range` (unbiased up to 2^-53).
  public mutating func int(in range: Range<Int>) -> Int {
    precondition(!range.isEmpty, "int(in:) of an empty range")
    let offset = Int(nextDouble() * Double(range.count))
    return range.lowerBound + min(offset, range.count - 1)
  }

  /// A uniform random permutation of `0..<count` (Fisher–Yates).
  public mutating func permutation(_ count: Int) -> [Int] {
    var p = Array(0..<count)
    if count < 2 { return p }
    for i in stride(from: count - 1, to: 0, by: -1) {
      p.swapAt(i, int(in: 0..<(i + 1)))
    }
    return p
  }

  /// One standard normal Double.
  public mutating func nextNormal() -> Double {
    let u1 = 1 - nextDouble()
    let u2 = nextDouble()
    return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
  }

  /// One Gamma(shape, 1) draw (Marsaglia & Tsang, 2000; shape < 1 by the boost u^(1/shape)).
  ///
  /// Total over its input: NaN for a shape that is not a positive finite number, and 0 where
  /// a tiny shape (1e-300) underflows the draw.
  public mutating func gamma(shape: Double) -> Double {
    gammaDraw(shape: shape).value
  }

  /// One Beta(a, b) draw, as mixup's λ ~ Beta(α, α) needs: X / (X + Y) for X ~ Gamma(a),
  /// Y ~ Gamma(b). When both draws underflow (tiny shapes) or overflow, λ comes from their
  /// logarithms, 1 / (1 + exp(log Y − log X)), so it stays in [0, 1]. NaN when a shape is
  /// not positive and finite.
  public mutating func beta(_ a: Double, _ b: Double) -> Double {
    let x = gammaDraw(shape: a)
    let y = gammaDraw(shape: b)
    let sum = x.value + y.value
    if sum > 0, sum.isFinite { return x.value / sum }
    if x.log.isNaN || y.log.isNaN { return .nan }
    return 1 / (1 + _exp(y.log - x.log))
  }

  /// A Gamma(shape, 1) draw and its logarithm, the latter finite for every positive finite
  /// shape: for shape < 1 it adds log(u) / shape where u^(1/shape) underflows. Shapes below
  /// 1e-300 are drawn at 1e-300 (log(u) / shape would overflow; both are a coin flip between
  /// 0 and 1 in any Beta draw).
  private mutating func gammaDraw(shape: Double) -> (value: Double, log: Double) {
    guard shape > 0, shape.isFinite else { return (.nan, .nan) }
    let shape = max(shape, 1e-300)
    if shape < 1 {
      let u = nextDouble() + 1e-300
      let inner = gammaDraw(shape: shape + 1)
      return (inner.value * _pow(u, 1 / shape), inner.log + _log(u) / shape)
    }
    let d = shape - 1.0 / 3.0
    let c = 1 / (9 * d).squareRoot()
    while true {
      let x = nextNormal()
      let v0 = 1 + c * x
      if v0 <= 0 { continue }
      let v = v0 * v0 * v0
      let u = nextDouble()
      if _log(u + 1e-300) < 0.5 * x * x + d - d * v + d * _log(v) {
        return (d * v, _log(d) + _log(v))
      }
    }
  }

  private func makeFilled(_ count: Int, _ value: (Int) -> Float) -> [Float] {
    makeArray(count: count) { out in
      let shared = SharedPointer(out.baseAddress!)
      Parallel.forEachRange(count, costPerItem: 16) { range in
        for i in range { shared[i] = value(i) }
      }
    }
  }
}

/// The Philox4x32-10 bijection.
@usableFromInline
enum Philox {
  @inlinable
  static func block(
    counter c: (UInt32, UInt32, UInt32, UInt32), key k: (UInt32, UInt32)
  ) -> (UInt32, UInt32, UInt32, UInt32) {
    var (c0, c1, c2, c3) = c
    var (k0, k1) = k
    for _ in 0..<10 {
      let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
      let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
      let hi0 = UInt32(truncatingIfNeeded: p0 >> 32)
      let lo0 = UInt32(truncatingIfNeeded: p0)
      let hi1 = UInt32(truncatingIfNeeded: p1 >> 32)
      let lo1 = UInt32(truncatingIfNeeded: p1)
      (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
      k0 &+= 0x9E37_79B9
      k1 &+= 0xBB67_AE85
    }
    return (c0, c1, c2, c3)
  }

  /// The top 24 bits of `word` as a Float on [0, 1).
  @inlinable
  static func unit(_ word: UInt32) -> Float { Float(word >> 8) * 0x1p-24 }
}

@usableFromInline func _log(_ x: Double) -> Double { Foundation.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@usableFromInline func _pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }

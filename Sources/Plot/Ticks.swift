import Foundation

/// Tick placement ("nice numbers": steps of 1, 2 or 5 × 10^k) and tick labels.
public enum Ticks {
  /// The smallest step s = m·10^k, m ∈ {1, 2, 5}, with `span / s ≤ target`.
  /// - Parameters:
  ///   - span: the length of the axis range (> 0; anything else gives 1).
  ///   - target: the most intervals wanted (≥ 1).
  public static func niceStep(span: Double, target: Int) -> Double {
    guard span.isFinite, span > 0 else { return 1 }
    let raw = span / Double(max(target, 1))
    let magnitude = pow(10, floor(log10(raw)))
    for m in [1.0, 2, 5, 10] where m * magnitude >= raw * (1 - 1e-9) {
      return m * magnitude
    }
    return 10 * magnitude
  }

  /// The multiples of `niceStep(span: upper − lower, target:)` that lie in [lower, upper]
  /// (ends included up to a relative 1e-9). A step below 1 divides by its integer inverse
  /// (i / 5, not i · 0.2), so 0.6 comes out as the double nearest 0.6.
  public static func linear(_ lower: Double, _ upper: Double, target: Int) -> [Double] {
    guard lower.isFinite, upper.isFinite, upper > lower else {
      return lower.isFinite ? [lower] : []
    }
    let step = niceStep(span: upper - lower, target: target)
    let first = (lower / step - 1e-9).rounded(.up)
    let last = (upper / step + 1e-9).rounded(.down)
    guard last >= first, last - first < 1000 else { return [] }
    let inverse = (1 / step).rounded()
    let exactInverse = step < 1 && abs(1 / step - inverse) < 1e-6 * inverse
    return stride(from: first, through: last, by: 1).map { i in
      i == 0 ? 0 : exactInverse ? i / inverse : i * step
    }
  }

  /// Ticks for a logarithmic axis over [lower, upper] (both > 0): the powers of ten inside,
  /// every second or fifth one when there are more than `target + 1`; with fewer than two
  /// decades inside, 1, 2 and 5 × 10^k, and with fewer than three of those, linear ticks.
  public static func logarithmic(_ lower: Double, _ upper: Double, target: Int) -> [Double] {
    guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else { return [] }
    let kLow = Int((log10(lower) - 1e-9).rounded(.up))
    let kHigh = Int((log10(upper) + 1e-9).rounded(.down))
    let decades = kHigh - kLow + 1
    if decades >= 2 {
      var strideK = 1
      for s in [1, 2, 5, 10, 20, 50] where (decades - 1) / s + 1 <= max(target, 2) + 1 {
        strideK = s
        break
      }
      return stride(from: kLow, through: kHigh, by: 1).filter { ($0 - kLow) % strideK == 0 }
        .map { pow(10, Double($0)) }
    }
    var ticks: [Double] = []
    for k in (kLow - 1)...(kHigh + 1) {
      for m in [1.0, 2, 5] {
        let v = m * pow(10, Double(k))
        if v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) { ticks.append(v) }
      }
    }
    return ticks.count >= 3 ? ticks : linear(lower, upper, target: target)
  }

  /// Labels for linear ticks with the fewest decimals (at most 6) that show every tick
  /// exactly; magnitudes of 10⁶ and more, or below 10⁻⁴, use `m×10ⁿ`. Negative numbers get a
  /// typographic minus (U+2212).
  public static func labels(linear ticks: [Double]) -> [String] {
    let largest = ticks.map(abs).max() ?? 0
    if largest >= 1e6 || (largest > 0 && largest < 1e-4) {
      return ticks.map { scientific($0) }
    }
    let decimals =
      (0...6).first { d in
        let scale = pow(10, Double(d))
        return ticks.allSatisfy { abs(($0 * scale).rounded() - $0 * scale) < 1e-6 * max(1, scale) }
      } ?? 6
    return ticks.map { fixed($0, decimals: decimals) }
  }

  /// Labels for logarithmic ticks: plain numbers from 0.001 to 10000, else `10ⁿ` or `m×10ⁿ`.
  public static func labels(logarithmic ticks: [Double]) -> [String] {
    ticks.map { v in
      guard v > 0 else { return fixed(v, decimals: 0) }
      let k = Int(floor(log10(v) + 1e-9))
      if k >= -3 && k <= 4 { return fixed(v, decimals: max(0, -k)) }
      return scientific(v)
    }
  }

  /// `v` with `decimals` digits after the point, typographic minus, and no "−0".
  static func fixed(_ v: Double, decimals: Int) -> String {
    let text = String(format: "%.\(decimals)f", v)
    if text.hasPrefix("-") {
      let rest = text.dropFirst()
      return rest.allSatisfy { $0 == "0" || $0 == "." } ? String(rest) : "\u{2212}" + rest
    }
    return text
  }

  /// `m×10ⁿ` (or `10ⁿ` when m = 1) with a superscript exponent.
  static func scientific(_ v: Double) -> String {
    guard v != 0, v.isFinite else { return fixed(v, decimals: 0) }
    let k = Int(floor(log10(abs(v)) + 1e-9))
    let mantissa = v / pow(10, Double(k))
    let power = "10" + superscript(k)
    if abs(mantissa - 1) < 1e-9 { return power }
    if abs(mantissa + 1) < 1e-9 { return "\u{2212}" + power }
    let m = labels(linear: [mantissa]).first ?? ""
    return m + "\u{00D7}" + power
  }

  /// An integer in Unicode superscript digits (DejaVu Sans has all of them).
  static func superscript(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    let body = String(abs(n)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
    return (n < 0 ? "⁻" : "") + String(body)
  }
}

import Foundation
import TensorCore

/// Approximate equality for test expectations, with swift-numerics semantics.
///
/// `a` and `b` are close when they are equal (this covers matching infinities), or when both
/// are finite and
///
///     |a − b| ≤ max(atol, rtol · max(|a|, |b|)).
///
/// NaN is close to nothing, not even NaN. The relation is reflexive (except NaN) and symmetric
/// but not transitive, so it is for tests only and must never back an `Equatable` conformance
/// (swift-numerics `RealModule/ApproximateEquality.swift`). `rtol` defaults to √ulp(1) of the
/// type compared, about half the significant digits; `atol` defaults to 0, which makes every
/// nonzero value far from 0, so pass an `atol` whenever a reference value can be 0.
public enum Approx {
  /// Whether `a` and `b` agree within max(atol, rtol · max(|a|, |b|)).
  public static func isClose(
    _ a: Double, _ b: Double, rtol: Double = Double.ulpOfOne.squareRoot(), atol: Double = 0
  ) -> Bool {
    precondition(rtol >= 0 && rtol < 1 && atol >= 0, "isClose: bad tolerances \(rtol), \(atol)")
    if a == b { return true }
    guard a.isFinite, b.isFinite else { return false }
    return Swift.abs(a - b) <= Swift.max(atol, rtol * Swift.max(Swift.abs(a), Swift.abs(b)))
  }

  /// Float form of `isClose`; the comparison itself runs in Double.
  public static func isClose(
    _ a: Float, _ b: Float, rtol: Float = Float.ulpOfOne.squareRoot(), atol: Float = 0
  ) -> Bool {
    isClose(Double(a), Double(b), rtol: Double(rtol), atol: Double(atol))
  }

  /// The error of `a` against `b` as a fraction of the allowed error (≤ 1 means close);
  /// infinite when a NaN or a lone infinity is involved.
  public static func errorRatio(_ a: Double, _ b: Double, rtol: Double, atol: Double) -> Double {
    if a == b { return 0 }
    guard a.isFinite, b.isFinite else { return .infinity }
    let allowed = Swift.max(atol, rtol * Swift.max(Swift.abs(a), Swift.abs(b)))
    let error = Swift.abs(a - b)
    return allowed > 0 ? error / allowed : .infinity
  }

  /// Element-wise comparison of `actual` with `expected` (same count).
  ///
  /// - Returns: a `Comparison` whose `passed` is true when every element is close; its
  ///   description names the worst element and the first few mismatches for `#expect`.
  public static func compare(
    _ actual: [Float], _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-6
  ) -> Comparison {
    compare(actual.map(Double.init), expected, rtol: rtol, atol: atol)
  }

  /// Double form of `compare`.
  public static func compare(
    _ actual: [Double], _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-6
  ) -> Comparison {
    guard actual.count == expected.count else {
      return Comparison(
        count: actual.count, mismatches: [], worst: nil, rtol: rtol, atol: atol,
        countMismatch: (actual.count, expected.count))
    }
    var mismatches: [Comparison.Element] = []
    var worst: Comparison.Element?
    for i in 0..<actual.count {
      let ratio = errorRatio(actual[i], expected[i], rtol: rtol, atol: atol)
      let element = Comparison.Element(
        index: i, actual: actual[i], expected: expected[i], ratio: ratio)
      if worst == nil || ratio > worst!.ratio || ratio.isNaN { worst = element }
      if !isClose(actual[i], expected[i], rtol: rtol, atol: atol) { mismatches.append(element) }
    }
    return Comparison(
      count: actual.count, mismatches: mismatches, worst: worst, rtol: rtol, atol: atol,
      countMismatch: nil)
  }

  /// Compares two arrays of the same shape.
  public static func compare(
    _ actual: NDArray, _ expected: NDArray, rtol: Double = 1e-5, atol: Double = 1e-6
  ) -> Comparison {
    guard actual.shape == expected.shape else {
      return Comparison(
        count: actual.count, mismatches: [], worst: nil, rtol: rtol, atol: atol,
        countMismatch: (actual.count, expected.count), shapes: (actual.shape, expected.shape))
    }
    return compare(actual.data, expected.data.map(Double.init), rtol: rtol, atol: atol)
  }

  /// The outcome of an element-wise comparison.
  public struct Comparison: CustomStringConvertible {
    /// One compared element.
    public struct Element {
      /// Flat index.
      public let index: Int
      public let actual: Double
      public let expected: Double
      /// |actual − expected| / allowed error.
      public let ratio: Double
    }

    /// Number of elements compared.
    public let count: Int
    /// Elements outside tolerance, in index order.
    public let mismatches: [Element]
    /// The element with the largest error ratio.
    public let worst: Element?
    public let rtol: Double
    public let atol: Double
    let countMismatch: (Int, Int)?
    var shapes: ([Int], [Int])? = nil

    /// True when the counts (and shapes) agree and every element is close.
    public var passed: Bool { countMismatch == nil && mismatches.isEmpty }

    public var description: String {
      if let shapes { return "shape \(shapes.0) differs from expected \(shapes.1)" }
      if let (a, e) = countMismatch { return "\(a) elements, expected \(e)" }
      var text = "\(mismatches.count) of \(count) elements outside rtol \(rtol), atol \(atol)"
      if let worst {
        text += "; worst [\(worst.index)] \(worst.actual) vs \(worst.expected)"
        text += " (\(String(format: "%.3g", worst.ratio))× allowed)"
      }
      for m in mismatches.prefix(5) { text += "\n  [\(m.index)] \(m.actual) vs \(m.expected)" }
      return text
    }
  }
}

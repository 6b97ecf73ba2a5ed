import Foundation

/// An axis after layout decisions: its final range, ticks and tick labels, and which of its
/// decorations this panel draws.
struct AxisFrame: Equatable {
  var scale: AxisScale
  var lower: Double
  var upper: Double
  var ticks: [Double]
  var labels: [String]
  var title: String?
  var showTicks: Bool
  var showTickLabels: Bool
  var showTitle: Bool

  /// The position of `value` as a fraction of the axis (0 at `lower`, 1 at `upper`); NaN for
  /// non-finite values and values ≤ 0 on a log axis.
  func fraction(_ value: Double) -> Double {
    switch scale {
    case .linear:
      guard value.isFinite else { return .nan }
      return (value - lower) / (upper - lower)
    case .log:
      guard value.isFinite, value > 0 else { return .nan }
      return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
    }
  }

  /// The frame of `axis` over `limits` with about `target` tick intervals.
  init(axis: Axis, limits: ClosedRange<Double>, target: Int) {
    scale = axis.scale
    var (low, high) = (limits.lowerBound, limits.upperBound)
    if scale == .log && low <= 0 { (low, high) = (max(high * 1e-3, 1e-300), max(high, 1e-299)) }
    if !(high > low) { (low, high) = (low - 0.5, low + 0.5) }
    lower = low
    upper = high
    title = axis.label
    showTicks = axis.showTicks
    showTickLabels = axis.showTickLabels
    showTitle = axis.label != nil
    if let fixed = axis.ticks {
      ticks = fixed
      labels = axis.tickLabels ?? AxisFrame.format(fixed, scale: axis.scale)
    } else {
      ticks = AxisFrame.ticks(low, high, scale: axis.scale, target: target)
      labels = AxisFrame.format(ticks, scale: axis.scale)
    }
    if labels.count != ticks.count { labels = AxisFrame.format(ticks, scale: axis.scale) }
  }

  static func ticks(_ low: Double, _ high: Double, scale: AxisScale, target: Int) -> [Double] {
    switch scale {
    case .linear: return Ticks.linear(low, high, target: target)
    case .log: return Ticks.logarithmic(low, high, target: target)
    }
  }

  static func format(_ ticks: [Double], scale: AxisScale) -> [String] {
    switch scale {
    case .linear: return Ticks.labels(linear: ticks)
    case .log: return Ticks.labels(logarithmic: ticks)
    }
  }

  /// The ticks (with labels) whose fraction lies in [0, 1], up to a small tolerance.
  var visibleTicks: [(value: Double, fraction: Double, label: String)] {
    ticks.indices.compactMap { i in
      let f = fraction(ticks[i])
      guard f.isFinite, f >= -1e-6, f <= 1 + 1e-6 else { return nil }
      return (ticks[i], min(max(f, 0), 1), i < labels.count ? labels[i] : "")
    }
  }

  /// True when neighbouring tick labels along an axis of `length` points would come closer
  /// than `gap` points, given each label's extent along the axis.
  func labelsCollide(length: Double, extents: [Double], gap: Double) -> Bool {
    let visible = visibleTicks
    guard visible.count > 1, extents.count == visible.count else { return false }
    for i in 1..<visible.count {
      let distance = abs(visible[i].fraction - visible[i - 1].fraction) * length
      if distance < (extents[i] + extents[i - 1]) / 2 + gap { return true }
    }
    return false
  }
}

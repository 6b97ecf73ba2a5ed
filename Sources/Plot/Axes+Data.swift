import Foundation

/// The range of data along one axis, and values that padding must not cross (bar bases,
/// histogram and image edges: matplotlib's "sticky edges").
struct Extent: Equatable {
  var lower = Double.infinity
  var upper = -Double.infinity
  var sticky: [Double] = []

  var isEmpty: Bool { lower > upper }

  /// Widens the range to `value` (non-finite values, and values ≤ 0 on a log axis, are skipped).
  mutating func include(_ value: Double, scale: AxisScale) {
    guard value.isFinite, scale == .linear || value > 0 else { return }
    lower = min(lower, value)
    upper = max(upper, value)
  }

  /// Includes `value` and marks it as an edge that padding stops at.
  mutating func includeSticky(_ value: Double, scale: AxisScale) {
    guard value.isFinite, scale == .linear || value > 0 else { return }
    include(value, scale: scale)
    sticky.append(value)
  }

  /// The padded range: 5% of the span on each side (in log space on a log axis), stopping at a
  /// sticky value inside the padding; an empty or zero-width extent is widened around itself.
  func limits(scale: AxisScale, padding: Double = 0.05) -> ClosedRange<Double> {
    guard !isEmpty else { return scale == .log ? 1...10 : 0...1 }
    let forward: (Double) -> Double = scale == .log ? { log10($0) } : { $0 }
    let inverse: (Double) -> Double = scale == .log ? { pow(10, $0) } : { $0 }
    var (low, high) = (forward(lower), forward(upper))
    if high - low < 1e-12 * max(1, abs(low)) {
      let half = scale == .log ? 0.5 : max(abs(low) * 0.1, 0.5)
      return inverse(low - half)...inverse(high + half)
    }
    let pad = (high - low) * padding
    (low, high) = (low - pad, high + pad)
    var result = (inverse(low), inverse(high))
    for s in sticky {
      if s >= result.0 && s <= lower { result.0 = max(result.0, s) }
      if s <= result.1 && s >= upper { result.1 = min(result.1, s) }
    }
    return result.0...result.1
  }
}

extension Axes {
  /// Checks every series' array lengths.
  func validate(name: String) throws(PlotError) {
    for (index, mark) in marks.enumerated() {
      let what = "\(name) mark \(index)"
      switch mark {
      case .line(let s):
        try PlotError.checkLength("\(what) y", expected: s.x.count, found: s.y.count)
        if let band = s.band {
          try PlotError.checkLength("\(what) band", expected: s.x.count, found: band.count)
        }
      case .bars(let s):
        try PlotError.checkLength("\(what) right", expected: s.left.count, found: s.right.count)
        try PlotError.checkLength("\(what) top", expected: s.left.count, found: s.top.count)
        try PlotError.checkLength("\(what) bottom", expected: s.left.count, found: s.bottom.count)
      case .histogram(let s):
        try PlotError.checkLength(
          "\(what) edges", expected: s.values.count + 1, found: s.edges.count)
      case .scatter(let s):
        try PlotError.checkLength("\(what) y", expected: s.x.count, found: s.y.count)
      case .text, .image, .rule:
        break
      }
    }
  }

  /// A copy in which every series without a colour gets the next series colour, in order.
  func resolvingColors() -> Axes {
    var copy = self
    var next = 0
    func take() -> Color {
      defer { next += 1 }
      return Palette.series(next)
    }
    copy.marks = marks.map { mark in
      switch mark {
      case .line(var s):
        if s.color == nil { s.color = take() }
        return .line(s)
      case .bars(var s):
        if s.color == nil { s.color = take() }
        return .bars(s)
      case .histogram(var s):
        if s.color == nil { s.color = take() }
        return .histogram(s)
      case .scatter(var s):
        if s.color == nil { s.color = take() }
        return .scatter(s)
      case .text, .image, .rule:
        return mark
      }
    }
    return copy
  }

  /// The legend entries of the labelled marks, in drawing order.
  var legendEntries: [LegendEntry] {
    marks.compactMap { LegendEntry(mark: $0) }
  }

  /// The data extents along x and y of everything drawn in data coordinates.
  func extents() -> (x: Extent, y: Extent) {
    var ex = Extent()
    var ey = Extent()
    let (sx, sy) = (x.scale, y.scale)
    for mark in marks {
      switch mark {
      case .line(let s):
        for i in s.x.indices where i < s.y.count {
          ex.include(s.x[i], scale: sx)
          let half = s.band.map { i < $0.count ? abs($0[i]) : 0 } ?? 0
          ey.include(s.y[i] - half, scale: sy)
          ey.include(s.y[i] + half, scale: sy)
        }
      case .bars(let s):
        s.left.forEach { ex.include($0, scale: sx) }
        s.right.forEach { ex.include($0, scale: sx) }
        s.bottom.forEach { ey.includeSticky($0, scale: sy) }
        s.top.forEach { ey.include($0, scale: sy) }
      case .histogram(let s):
        s.edges.forEach { ex.include($0, scale: sx) }
        if let first = s.edges.first, let last = s.edges.last {
          ex.includeSticky(first, scale: sx)
          ex.includeSticky(last, scale: sx)
        }
        ey.includeSticky(0, scale: sy)
        s.values.forEach { ey.include($0, scale: sy) }
      case .scatter(let s):
        s.x.forEach { ex.include($0, scale: sx) }
        s.y.forEach { ey.include($0, scale: sy) }
      case .image(let m):
        [m.x0, m.x1].forEach { ex.includeSticky($0, scale: sx) }
        [m.y0, m.y1].forEach { ey.includeSticky($0, scale: sy) }
      case .rule(let r):
        switch r.direction {
        case .horizontal: ey.include(r.value, scale: sy)
        case .vertical: ex.include(r.value, scale: sx)
        }
      case .text:
        break
      }
    }
    return (ex, ey)
  }
}

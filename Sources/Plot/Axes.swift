/// How data values map to positions along an axis.
public enum AxisScale: String, Sendable, Hashable {
  case linear
  /// Base-10 logarithmic; values ≤ 0 are left out.
  case log
}

/// One axis of a panel: label, scale, range and ticks.
public struct Axis: Sendable, Equatable {
  /// The axis title, drawn outside the tick labels; nil for none.
  public var label: String?
  /// Linear or base-10 logarithmic.
  public var scale: AxisScale = .linear
  /// A fixed range; nil fits the data (5% padding, none on edges that bars or images touch).
  public var limits: ClosedRange<Double>?
  /// Fixed tick positions; nil places nice ticks (1, 2, 5 × 10^k).
  public var ticks: [Double]?
  /// Labels for fixed `ticks` (same count); nil formats the tick values.
  public var tickLabels: [String]?
  /// Draw tick marks.
  public var showTicks: Bool = true
  /// Draw tick labels (independently of the marks).
  public var showTickLabels: Bool = true

  /// An axis with the given title, scale and optional fixed range.
  public init(
    _ label: String? = nil, scale: AxisScale = .linear, limits: ClosedRange<Double>? = nil
  ) {
    self.label = label
    self.scale = scale
    self.limits = limits
  }

  /// An axis that shows no ticks and no labels at all (e.g. t-SNE coordinates).
  public static var hidden: Axis {
    var axis = Axis()
    axis.showTicks = false
    axis.showTickLabels = false
    return axis
  }
}

/// Where a panel's legend goes.
public enum LegendPlacement: String, Sendable, Hashable, CaseIterable {
  /// The candidate box inside the plot area that covers the least data.
  case best
  case upperRight, upperLeft, lowerLeft, lowerRight, upperCenter, lowerCenter
  /// To the right of the plot area, outside it.
  case outsideRight
  /// No legend.
  case none
}

/// One panel: an x and a y axis, the marks drawn between them, a title and a legend.
public struct Axes: Sendable, Equatable {
  /// The panel title, centred above the plot area.
  public var title: String?
  /// The horizontal axis.
  public var x: Axis
  /// The vertical axis.
  public var y: Axis
  /// Drawn in order; later marks cover earlier ones.
  public var marks: [Mark]
  /// Legend position; entries come from the marks that have labels.
  public var legend: LegendPlacement = .best
  /// Light grid lines at the ticks.
  public var grid: Bool = true
  /// The frame (all four spines).
  public var frame: Bool = true
  /// Data units of y per data unit of x on screen (1: squares stay square); nil fills the cell.
  public var aspect: Double?
  /// Points per data unit on both (linear) axes: the plot area gets exactly this scale,
  /// centred in its cell, when it fits there; otherwise it shrinks keeping the aspect.
  public var unitSize: Double?

  /// A panel with the given axes and marks.
  public init(title: String? = nil, x: Axis = Axis(), y: Axis = Axis(), marks: [Mark] = []) {
    self.title = title
    self.x = x
    self.y = y
    self.marks = marks
  }

  /// Adds a mark on top of the existing ones.
  public mutating func add(_ mark: Mark) {
    marks.append(mark)
  }
}

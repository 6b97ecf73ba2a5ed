/// The shape drawn at each point of a line or scatter series.
public enum Marker: String, Sendable, Hashable, CaseIterable {
  case none, circle, square, triangle, diamond, cross
}

/// The stroke pattern of a line.
public enum Dash: String, Sendable, Hashable, CaseIterable {
  case solid, dashed, dotted, dashDot
}

/// Diagonal hatching laid over a fill.
public enum Hatch: String, Sendable, Hashable, CaseIterable {
  /// Lines rising to the right (`////`).
  case forward
  /// Lines falling to the right (`\\\\`).
  case backward
  /// Both directions.
  case cross
}

/// A polyline through (x[i], y[i]), optionally with markers and a shaded band y ± band.
///
/// Non-finite points break the line. A nil colour takes the next series colour.
public struct LineSeries: Sendable, Equatable {
  /// Abscissae and ordinates, of equal length.
  public var x: [Double], y: [Double]
  /// The legend text; nil keeps the series out of the legend.
  public var label: String?
  /// The colour; nil takes the next series colour.
  public var color: Color?
  /// Stroke width in points (0 draws markers only).
  public var width: Double = 1.6
  /// The stroke pattern.
  public var dash: Dash = .solid
  /// The marker drawn at each point.
  public var marker: Marker = .none
  /// Marker size (diameter) in points.
  public var markerSize: Double = 5.5
  /// Half-widths of a shaded band around the line (e.g. one standard deviation), or nil.
  public var band: [Double]?
  /// The band's opacity.
  public var bandAlpha: Double = 0.18

  /// A line series; the remaining style fields keep their defaults.
  public init(
    x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
    dash: Dash = .solid, marker: Marker = .none, band: [Double]? = nil
  ) {
    self.x = x
    self.y = y
    self.label = label
    self.color = color
    self.dash = dash
    self.marker = marker
    self.band = band
  }
}

/// Rectangles from (left[i], bottom[i]) to (right[i], top[i]): bars, gaps, histogram columns.
public struct BarSeries: Sendable, Equatable {
  /// Bar edges along x and y; four arrays of equal length.
  public var left: [Double], right: [Double], bottom: [Double], top: [Double]
  /// The legend text; nil keeps the series out of the legend.
  public var label: String?
  /// Fill colour (with its alpha); nil takes the next series colour.
  public var color: Color?
  /// Hatching over the fill, drawn in `hatchColor` (default: the edge colour).
  public var hatch: Hatch?
  /// The colour of hatch lines (nil: the edge colour).
  public var hatchColor: Color?
  /// Outline colour (nil: none) and width in points.
  public var edgeColor: Color?
  /// Outline width in points.
  public var edgeWidth: Double = 0.8

  /// Bars over `[left[i], right[i]]` from `bottom[i]` (default 0) up to `top[i]`.
  public init(
    left: [Double], right: [Double], top: [Double], bottom: [Double]? = nil,
    label: String? = nil, color: Color? = nil, edgeColor: Color? = nil, hatch: Hatch? = nil
  ) {
    self.left = left
    self.right = right
    self.top = top
    self.bottom = bottom ?? Array(repeating: 0, count: top.count)
    self.label = label
    self.color = color
    self.edgeColor = edgeColor
    self.hatch = hatch
  }
}

/// A histogram drawn as a translucent filled step outline (several overlay cleanly).
public struct HistogramSeries: Sendable, Equatable {
  /// Bin edges, increasing, one more than `values`.
  public var edges: [Double]
  /// Height of each bin (count, fraction or density).
  public var values: [Double]
  /// The legend text; nil keeps the series out of the legend.
  public var label: String?
  /// The colour; nil takes the next series colour.
  public var color: Color?
  /// Opacity of the fill under the outline.
  public var fillAlpha: Double = 0.3
  /// Width of the step outline in points.
  public var lineWidth: Double = 1.5

  /// A histogram with `values.count` bins between `edges`.
  public init(edges: [Double], values: [Double], label: String? = nil, color: Color? = nil) {
    self.edges = edges
    self.values = values
    self.label = label
    self.color = color
  }
}

/// Unconnected markers at (x[i], y[i]).
public struct ScatterSeries: Sendable, Equatable {
  /// Point coordinates, of equal length.
  public var x: [Double], y: [Double]
  /// The legend text; nil keeps the series out of the legend.
  public var label: String?
  /// The colour; nil takes the next series colour.
  public var color: Color?
  /// The marker shape.
  public var marker: Marker = .circle
  /// Marker diameter in points.
  public var size: Double = 4
  /// Marker opacity.
  public var alpha: Double = 0.75

  /// A scatter series; `size` is the marker diameter in points.
  public init(
    x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
    marker: Marker = .circle, size: Double = 4, alpha: Double = 0.75
  ) {
    self.x = x
    self.y = y
    self.label = label
    self.color = color
    self.marker = marker
    self.size = size
    self.alpha = alpha
  }
}

/// Where text is anchored: data coordinates, or fractions of the plot area (0,0 bottom left).
public enum TextPosition: Sendable, Equatable {
  case data(x: Double, y: Double)
  case fraction(x: Double, y: Double)
}

/// Which point of the text box sits at the position.
public enum TextAlignment: String, Sendable, Hashable {
  case topLeft, top, topRight, left, center, right, bottomLeft, bottom, bottomRight
}

/// A piece of text inside a panel, optionally on a white box.
public struct TextAnnotation: Sendable, Equatable {
  /// The text, on one line.
  public var text: String
  /// Where the text is anchored.
  public var position: TextPosition
  /// Which point of the text box sits at `position`.
  public var alignment: TextAlignment
  /// Font size in points.
  public var fontSize: Double = 10
  /// The text colour.
  public var color: Color = .ink
  /// Bold weight.
  public var bold: Bool = false
  /// Draw a translucent white box with a thin outline behind the text.
  public var boxed: Bool = false

  /// Text at `position`, aligned by `alignment`.
  public init(
    _ text: String, at position: TextPosition, alignment: TextAlignment = .center,
    fontSize: Double = 10, bold: Bool = false, boxed: Bool = false
  ) {
    self.text = text
    self.position = position
    self.alignment = alignment
    self.fontSize = fontSize
    self.bold = bold
    self.boxed = boxed
  }
}

/// A raster image stretched over the data rectangle [x0, x1] × [y0, y1], pixels kept sharp.
public struct ImageMark: Sendable, Equatable {
  /// The pixels.
  public var image: RasterImage
  /// The data rectangle the image covers.
  public var x0: Double, x1: Double, y0: Double, y1: Double

  /// The image with its top-left corner at (x0, y1) and bottom-right at (x1, y0).
  public init(_ image: RasterImage, x0: Double, x1: Double, y0: Double, y1: Double) {
    self.image = image
    self.x0 = x0
    self.x1 = x1
    self.y0 = y0
    self.y1 = y1
  }
}

/// A straight line across the whole plot area at a fixed x (vertical) or y (horizontal).
public struct Rule: Sendable, Equatable {
  /// Which way the line runs.
  public enum Direction: String, Sendable, Hashable {
    /// y = value, from the left edge to the right.
    case horizontal
    /// x = value, from the bottom edge to the top.
    case vertical
  }

  /// Horizontal (y = value) or vertical (x = value).
  public var direction: Direction
  /// The data coordinate of the line.
  public var value: Double
  /// The legend text; nil keeps the series out of the legend.
  public var label: String?
  /// The stroke colour.
  public var color: Color
  /// Stroke width in points.
  public var width: Double = 1.2
  /// The stroke pattern.
  public var dash: Dash

  /// A rule at `value`; the default is a dotted grey reference line.
  public init(
    _ direction: Direction, at value: Double, label: String? = nil, color: Color = .gray,
    dash: Dash = .dotted, width: Double = 1.2
  ) {
    self.direction = direction
    self.value = value
    self.label = label
    self.color = color
    self.dash = dash
    self.width = width
  }
}

/// One drawable element of a panel; marks are drawn in order, later ones on top.
public enum Mark: Sendable, Equatable {
  case line(LineSeries)
  case bars(BarSeries)
  case histogram(HistogramSeries)
  case scatter(ScatterSeries)
  case rule(Rule)
  case text(TextAnnotation)
  case image(ImageMark)
}

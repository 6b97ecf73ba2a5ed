/// Sizes (in points) and colours shared by layout and rendering.
enum Style {
  static let fontFamily = "DejaVu Sans"
  static let tickFont = 9.0
  static let labelFont = 10.0
  static let titleFont = 11.0
  static let figureTitleFont = 12.5
  static let legendFont = 9.0

  static let margin = 8.0
  static let tickLength = 3.5
  static let tickPad = 2.5
  static let labelPad = 4.0
  static let titlePad = 5.0
  static let columnGap = 14.0
  static let rowGap = 10.0

  static let frameWidth = 0.8
  static let gridWidth = 0.6

  static let legendPad = 5.0
  static let legendSwatch = 20.0
  static let legendSwatchGap = 5.0
  static let legendEntryGap = 14.0
  static let legendInset = 6.0

  /// The height a line of text of `size` points occupies (DejaVu Sans ascent + descent ≈ 1.17 em).
  static func lineHeight(_ size: Double) -> Double { size * 1.2 }

  /// The height of digits and capitals above the baseline (DejaVu Sans cap height 0.73 em).
  static func capHeight(_ size: Double) -> Double { size * 0.73 }
}

/// An axis-aligned rectangle in points, y growing downwards (Cairo's user space).
struct Rect: Equatable {
  var x: Double, y: Double, width: Double, height: Double

  var minX: Double { x }
  var maxX: Double { x + width }
  var minY: Double { y }
  var maxY: Double { y + height }
  var midX: Double { x + width / 2 }
  var midY: Double { y + height / 2 }

  func contains(_ px: Double, _ py: Double) -> Bool {
    px >= minX && px <= maxX && py >= minY && py <= maxY
  }

  /// The area shared with `other` (0 when disjoint).
  func overlap(_ other: Rect) -> Double {
    let w = min(maxX, other.maxX) - max(minX, other.minX)
    let h = min(maxY, other.maxY) - max(minY, other.minY)
    return w > 0 && h > 0 ? w * h : 0
  }
}

/// Measures text advance widths; the renderer implements it with Cairo's toy text API, tests
/// with a fixed width per character.
protocol TextMeasurer {
  /// The advance width in points of `text` at `size` points.
  func width(of text: String, size: Double, bold: Bool) -> Double
}

import Foundation

/// An sRGB colour with straight (not premultiplied) alpha; every component lies in [0, 1].
public struct Color: Sendable, Hashable, CustomStringConvertible {
  /// Red, green and blue in gamma-encoded sRGB, and the opacity.
  public var red: Double, green: Double, blue: Double, alpha: Double

  /// A colour from components in [0, 1]; values outside are clamped.
  public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
    self.red = Color.clamp(red)
    self.green = Color.clamp(green)
    self.blue = Color.clamp(blue)
    self.alpha = Color.clamp(alpha)
  }

  /// A colour from a 24-bit `0xRRGGBB` value, e.g. `Color(hex: 0x4E79A7)`.
  public init(hex: UInt32, alpha: Double = 1) {
    self.init(
      red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
      blue: Double(hex & 0xFF) / 255, alpha: alpha)
  }

  /// The same colour with opacity `alpha`.
  public func withAlpha(_ alpha: Double) -> Color {
    Color(red: red, green: green, blue: blue, alpha: alpha)
  }

  /// Linear blend towards `other`: `self·(1 − amount) + other·amount` per component.
  public func mixed(with other: Color, amount: Double) -> Color {
    let t = Color.clamp(amount)
    return Color(
      red: red + (other.red - red) * t, green: green + (other.green - green) * t,
      blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
  }

  /// `#rrggbb`, or `#rrggbbaa` when not opaque.
  public var description: String {
    let parts = alpha < 1 ? [red, green, blue, alpha] : [red, green, blue]
    return "#" + parts.map { String(format: "%02x", Int(($0 * 255).rounded())) }.joined()
  }

  static func clamp(_ value: Double) -> Double {
    value.isNaN ? 0 : min(max(value, 0), 1)
  }

  // MARK: - Named colours used by the figure defaults

  /// Opaque black.
  public static let black = Color(hex: 0x000000)
  /// Opaque white.
  public static let white = Color(hex: 0xFFFFFF)
  /// The ink of frames, ticks and text (near-black).
  public static let ink = Color(hex: 0x262626)
  /// Mid grey, for neutral bars and secondary lines.
  public static let gray = Color(hex: 0x8C8C8C)
  /// The light grey of grid lines.
  public static let grid = Color(hex: 0xE3E3E3)
  /// A strong red (over-confidence, distilled-data series).
  public static let red = Color(hex: 0xD62728)
  /// A strong blue (under-confidence, full-data series).
  public static let blue = Color(hex: 0x1F77B4)
}

// MARK: - OKLab (Björn Ottosson, 2020) and CIELAB (CIE 1976, D65 white)

extension Color {
  /// sRGB transfer function decoded to linear light.
  static func linearize(_ c: Double) -> Double {
    c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
  }

  /// Linear light encoded with the sRGB transfer function.
  static func encode(_ c: Double) -> Double {
    c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
  }

  /// The colour at OKLab coordinates (L, a, b); out-of-gamut results are clamped per channel.
  static func fromOKLab(_ l: Double, _ a: Double, _ b: Double) -> Color {
    let l1 = pow(l + 0.3963377774 * a + 0.2158037573 * b, 3)
    let m1 = pow(l - 0.1055613458 * a - 0.0638541728 * b, 3)
    let s1 = pow(l - 0.0894841775 * a - 1.2914855480 * b, 3)
    let r = 4.0767416621 * l1 - 3.3077115913 * m1 + 0.2309699292 * s1
    let g = -1.2684380046 * l1 + 2.6097574011 * m1 - 0.3413193965 * s1
    let bl = -0.0041960863 * l1 - 0.7034186147 * m1 + 1.7076147010 * s1
    return Color(red: encode(r), green: encode(g), blue: encode(bl))
  }

  /// CIELAB (L*, a*, b*) under D65, for perceptual colour differences (ΔE*76 = Euclidean).
  var lab: (l: Double, a: Double, b: Double) {
    let r = Color.linearize(red)
    let g = Color.linearize(green)
    let b = Color.linearize(blue)
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
    func f(_ t: Double) -> Double {
      t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116
    }
    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
  }

  /// CIE 1976 colour difference ΔE*ab to `other` (about 2.3 is a just-noticeable difference).
  public func deltaE(_ other: Color) -> Double {
    let p = lab
    let q = other.lab
    return ((p.l - q.l) * (p.l - q.l) + (p.a - q.a) * (p.a - q.a) + (p.b - q.b) * (p.b - q.b))
      .squareRoot()
  }

  /// Relative luminance Y (0 black … 1 white), used to choose readable text colours.
  var luminance: Double {
    0.2126 * Color.linearize(red) + 0.7152 * Color.linearize(green)
      + 0.0722 * Color.linearize(blue)
  }
}

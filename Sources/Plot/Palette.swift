import Foundation

/// Categorical colour sets. The hex values are the published palettes' own.
public enum Palette {
  /// Okabe & Ito (2008), "Color Universal Design": 8 colours distinguishable under the common
  /// colour-vision deficiencies. Ordered for series (black and yellow last).
  public static let okabeIto: [Color] = [
    0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0x000000, 0xF0E442,
  ].map { Color(hex: $0) }

  /// Tableau 10 (Tableau Software, 2016 revision): 10 classes.
  public static let tableau10: [Color] = [
    0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F,
    0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC,
  ].map { Color(hex: $0) }

  /// Tableau 20 (classic): 10 hues, each dark then light; 20 classes.
  public static let tableau20: [Color] = [
    0x1F77B4, 0xAEC7E8, 0xFF7F0E, 0xFFBB78, 0x2CA02C, 0x98DF8A, 0xD62728, 0xFF9896,
    0x9467BD, 0xC5B0D5, 0x8C564B, 0xC49C94, 0xE377C2, 0xF7B6D2, 0x7F7F7F, 0xC7C7C7,
    0xBCBD22, 0xDBDB8D, 0x17BECF, 0x9EDAE5,
  ].map { Color(hex: $0) }

  /// The colour of series `index` in line and histogram plots (Okabe–Ito, cycling).
  public static func series(_ index: Int) -> Color {
    okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
  }

  /// `count` colours for class labels: Tableau 10 up to 10 classes, Tableau 20 up to 20, and
  /// beyond that golden-angle hues in OKLCh at three alternating lightness levels.
  /// - Parameter count: the number of classes (≥ 0).
  /// - Returns: `count` colours; class `k` gets element `k`.
  public static func categorical(_ count: Int) -> [Color] {
    if count <= 10 { return Array(tableau10.prefix(max(count, 0))) }
    if count <= 20 { return Array(tableau20.prefix(count)) }
    return (0..<count).map { k in
      let hue = Double(k) * 137.50776405 * Double.pi / 180
      let lightness = [0.58, 0.74, 0.46][k % 3]
      return Color.fromOKLab(lightness, 0.12 * cos(hue), 0.12 * sin(hue))
    }
  }
}

/// A sequential colormap: dark purple through blue and teal to green and yellow, like viridis.
///
/// Computed, not tabulated: lightness rises linearly in OKLab from L = 0.30 to 0.93 (so the map
/// is perceptually ordered and reads in greyscale), the hue turns from 300° (purple) down to
/// 105° (yellow) through 250° (blue), 190° (teal) and 145° (green), and chroma dips in the
/// middle, C(t) = 0.135 − 0.17 t + 0.22 t².
public enum Colormap {
  /// The colour at `t`, clamped to [0, 1] (NaN maps to 0).
  public static func viridisLike(_ t: Double) -> Color {
    let u = Color.clamp(t)
    let lightness = 0.30 + 0.63 * u
    let hue = (300 - 195 * u) * Double.pi / 180
    let chroma = 0.135 - 0.17 * u + 0.22 * u * u
    return Color.fromOKLab(lightness, chroma * cos(hue), chroma * sin(hue))
  }

  /// `count` evenly spaced samples of `viridisLike`, from t = 0 to 1 inclusive.
  public static func viridisLike(count: Int) -> [Color] {
    guard count > 1 else { return count == 1 ? [viridisLike(0.5)] : [] }
    return (0..<count).map { viridisLike(Double($0) / Double(count - 1)) }
  }
}

import Foundation
import Testing

@testable import Plot

@Suite struct PaletteTests {
  /// The smallest CIE76 colour difference between any two colours.
  static func minimumDifference(
    _ colours: [Color], _ transform: (Color) -> Color = { $0 }
  )
    -> Double
  {
    var smallest = Double.infinity
    for i in colours.indices {
      for j in colours.indices where j > i {
        smallest = min(smallest, transform(colours[i]).deltaE(transform(colours[j])))
      }
    }
    return smallest
  }

  /// Deuteranopia (severity 1) simulated with the Machado, Oliveira & Fernandes (2009) matrix
  /// on linear RGB.
  static func deuteranopia(_ c: Color) -> Color {
    let r = Color.linearize(c.red)
    let g = Color.linearize(c.green)
    let b = Color.linearize(c.blue)
    let m = [
      [0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
      [-0.011820, 0.042940, 0.968881],
    ]
    let out = m.map { Color.encode(min(max($0[0] * r + $0[1] * g + $0[2] * b, 0), 1)) }
    return Color(red: out[0], green: out[1], blue: out[2])
  }

  @Test func categoricalPalettesHaveTheRequestedSize() {
    #expect(Palette.categorical(10) == Palette.tableau10)
    #expect(Palette.categorical(20) == Palette.tableau20)
    #expect(Palette.categorical(3) == Array(Palette.tableau10.prefix(3)))
    #expect(Palette.categorical(100).count == 100)
    #expect(Palette.categorical(0).isEmpty)
  }

  @Test func tenClassColoursAreClearlyDistinct() {
    #expect(Self.minimumDifference(Palette.tableau10) > 15)
    #expect(Self.minimumDifference(Palette.okabeIto) > 20)
  }

  @Test func twentyClassColoursAreDistinct() {
    #expect(Self.minimumDifference(Palette.tableau20) > 8)
  }

  @Test func seriesColoursStayApartForDeuteranopes() {
    let series = Array(Palette.okabeIto.prefix(6))
    #expect(Self.minimumDifference(series, Self.deuteranopia) > 10)
  }

  @Test func manyClassesStillGetDistinctColours() {
    let colours = Palette.categorical(100)
    #expect(Set(colours.map(\.description)).count == 100)
    #expect(Self.minimumDifference(colours) > 1)
  }

  @Test func seriesColoursCycle() {
    #expect(Palette.series(0) == Color(hex: 0x0072B2))
    #expect(Palette.series(8) == Palette.series(0))
    #expect(Palette.series(-1) == Palette.okabeIto.last)
  }

  @Test func colormapLightnessRisesMonotonically() {
    let samples = Colormap.viridisLike(count: 64)
    let lightness = samples.map { $0.lab.l }
    #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 })
    #expect((lightness.first ?? 100) < 30 && (lightness.last ?? 0) > 85)
  }

  @Test func colormapRunsFromPurpleToYellow() {
    let start = Colormap.viridisLike(0)
    let end = Colormap.viridisLike(1)
    #expect(start.blue > start.green && start.red > start.green)
    #expect(end.red > 0.8 && end.green > 0.8 && end.blue < 0.4)
    #expect(Colormap.viridisLike(-1) == start && Colormap.viridisLike(.nan) == start)
    // Roughly even perceptual steps (CIE76 exaggerates the saturated yellow end).
    let samples = Colormap.viridisLike(count: 32)
    let steps = zip(samples, samples.dropFirst()).map { $0.deltaE($1) }
    #expect((steps.min() ?? 0) > 3 && (steps.max() ?? 99) < 2.5 * (steps.min() ?? 0))
  }

  @Test func hexRoundTripsThroughDescription() {
    #expect(Color(hex: 0x4E79A7).description == "#4e79a7")
    #expect(Color(hex: 0xFF0000, alpha: 0.5).description == "#ff000080")
    #expect(Color(red: 2, green: -1, blue: .nan) == Color(red: 1, green: 0, blue: 0))
  }
}

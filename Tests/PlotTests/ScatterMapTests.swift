import Testing

@testable import Plot

@Suite struct ScatterMapTests {
  @Test func matchesGolden() throws {
    let figure = try Figure.scatterMap(
      Fixtures.embeddings, classNames: Fixtures.cifarClasses, columns: 2)
    let image = try Support.checkGolden(figure, name: "scatterMap")
    // Every class colour appears (blended 80% over white at isolated points).
    for colour in Palette.tableau10 {
      #expect(image.count(blendOf: colour, coverage: 0.5) > 20, "\(colour)")
    }
  }

  @Test func legendListsTheClassesInPaletteColours() throws {
    let figure = try Figure.scatterMap(Fixtures.embeddings, classNames: Fixtures.cifarClasses)
    #expect(figure.legend?.position == .right)
    #expect(figure.legend?.entries.map(\.label) == Fixtures.cifarClasses)
    #expect(figure.panels.allSatisfy { $0.aspect == 1 && !$0.x.showTicks && !$0.y.showTickLabels })
  }

  @Test func everyPointIsDrawnOnce() throws {
    let panel = Fixtures.embeddings[0]
    let axes = Figure.scatterAxes(panel, colors: Palette.tableau10, pointSize: 3)
    let drawn = axes.marks.reduce(0) { total, mark in
      if case .scatter(let s) = mark { return total + s.x.count }
      return total
    }
    #expect(drawn == panel.x.count)
  }

  @Test func squareLimitsCentreTheLargerSpan() {
    let panel = ScatterPanel(x: [0, 10], y: [0, 2], labels: [0, 0])
    let limits = Figure.squareLimits(panel)
    #expect(limits.x == -0.5...10.5)
    #expect(abs(limits.y.lowerBound + 4.5) < 1e-12 && abs(limits.y.upperBound - 6.5) < 1e-12)
  }

  @Test func manyClassesDropTheLegend() throws {
    let names = (0..<100).map { "c\($0)" }
    let panel = ScatterPanel(x: [0, 1, 2], y: [0, 1, 0], labels: [0, 50, 99])
    let figure = try Figure.scatterMap([panel], classNames: names)
    #expect(figure.legend == nil)
  }

  @Test func badLabelsAreRejected() {
    let panel = ScatterPanel(x: [0, 1], y: [0, 1], labels: [0, 3])
    #expect(throws: PlotError.self) { try Figure.scatterMap([panel], classNames: ["a", "b"]) }
    let short = ScatterPanel(x: [0, 1], y: [0], labels: [0, 0])
    #expect(throws: PlotError.self) { try Figure.scatterMap([short], classNames: ["a"]) }
  }
}

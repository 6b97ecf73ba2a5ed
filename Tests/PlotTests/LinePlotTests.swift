import Testing

@testable import Plot

@Suite struct LinePlotTests {
  @Test func matchesGolden() throws {
    let figure = try Figure.linePlot([Fixtures.droppedSingularValues])
    let image = try Support.checkGolden(figure, name: "linePlot")
    for k in 0..<4 {
      #expect(image.count(blendOf: Palette.series(k)) > 50, "series \(k)")
    }
  }

  @Test func seriesGetDistinctColoursMarkersAndBands() throws {
    let figure = try Figure.linePlot([Fixtures.droppedSingularValues])
    let lines = figure.panels[0].marks.compactMap { mark -> LineSeries? in
      if case .line(let s) = mark { return s }
      return nil
    }
    #expect(lines.count == 4)
    #expect(Set(lines.compactMap(\.color)).count == 4)
    #expect(lines.map(\.marker) == [.circle, .square, .triangle, .diamond])
    #expect(lines.allSatisfy { $0.band != nil })
  }

  @Test func sharedLegendMovesBelowThePanels() throws {
    let panel = Fixtures.droppedSingularValues
    let figure = try Figure.linePlot([panel, panel], sharedLegend: true)
    #expect(figure.panels.allSatisfy { $0.legend == .none })
    #expect(figure.legend?.entries.map(\.label) == panel.series.map(\.label))
    #expect(try figure.rasterize(dpi: 40).inkFraction > 0.05)
  }

  @Test func logXAndReferenceLinesRender() throws {
    let x = (1...200).map(Double.init)
    var panel = LinePanel(
      xLabel: "k", yLabel: "ratio", series: [LineData("a", x: x, y: x.map { 1 - 1 / $0 })],
      xScale: .log)
    panel.referenceY = [0.9]
    let figure = try Figure.linePlot([panel])
    #expect(figure.panels[0].x.scale == .log)
    let image = try Support.checkGolden(figure, name: "linePlotLogX")
    #expect(image.count(blendOf: Palette.series(0)) > 50)
  }

  @Test func mismatchedLengthsAreRejected() {
    let bad = LinePanel(series: [LineData("a", x: [0, 1], y: [0])])
    #expect(throws: PlotError.lengthMismatch(what: "series 'a' y", expected: 2, found: 1)) {
      try Figure.linePlot([bad])
    }
    let badStd = LinePanel(series: [LineData("b", x: [0, 1], y: [0, 1], std: [1])])
    #expect(throws: PlotError.self) { try Figure.linePlot([badStd]) }
  }
}

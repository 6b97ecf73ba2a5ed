import Testing

@testable import Plot

@Suite struct HistogramFigureTests {
  @Test func countsUseHalfOpenBinsAndCloseTheLast() {
    let edges = HistogramBins.edges(lower: 0, upper: 1, count: 4)
    #expect(edges == [0, 0.25, 0.5, 0.75, 1])
    let counts = HistogramBins.counts([0, 0.1, 0.25, 0.7, 0.75, 1, 1.5, -0.1, .nan], edges: edges)
    #expect(counts == [2, 1, 1, 2])
    #expect(HistogramBins.counts([1], edges: [0]) == [])
  }

  @Test func matchesGolden() throws {
    let figure = try Figure.histogram([Fixtures.maxLogits], bins: 40, xLabel: "Max logit")
    let image = try Support.checkGolden(figure, name: "histogram")
    // Both outlines are drawn in their own colours.
    #expect(image.count(blendOf: Color(hex: 0x0072B2)) > 100)
    #expect(image.count(blendOf: Color(hex: 0xD55E00)) > 100)
  }

  @Test(arguments: [HistogramScale.count, .fraction, .density])
  func scalesNormaliseAsDocumented(scale: HistogramScale) throws {
    let panel = HistogramPanel(samples: [HistogramSample("a", values: [0, 0, 1, 3])])
    let figure = try Figure.histogram([panel], bins: 2, range: 0...4, scale: scale)
    guard case .histogram(let series) = figure.panels[0].marks[0] else {
      Issue.record("expected a histogram mark")
      return
    }
    let expected: [Double]
    switch scale {
    case .count: expected = [3, 1]
    case .fraction: expected = [0.75, 0.25]
    case .density: expected = [0.375, 0.125]
    }
    #expect(series.values == expected)
    #expect(series.edges == [0, 2, 4])
    #expect(figure.panels[0].y.label == scale.axisTitle)
  }

  @Test func panelsShareBinsAndTheYAxis() throws {
    let a = HistogramPanel(title: "a", samples: [HistogramSample("x", values: [0, 1])])
    let b = HistogramPanel(title: "b", samples: [HistogramSample("y", values: [5, 10])])
    let figure = try Figure.histogram([a, b], bins: 5)
    #expect(figure.columns == 2 && figure.shareY)
    let edges = figure.panels.compactMap { axes -> [Double]? in
      if case .histogram(let s) = axes.marks[0] { return s.edges }
      return nil
    }
    #expect(edges.count == 2 && edges[0] == edges[1] && edges[0].first == 0 && edges[0].last == 10)
  }

  @Test func badArgumentsAreRejected() {
    #expect(throws: PlotError.self) { try Figure.histogram([]) }
    #expect(throws: PlotError.self) { try Figure.histogram([Fixtures.maxLogits], bins: 0) }
  }
}

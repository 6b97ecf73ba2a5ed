import Testing

@testable import Plot

@Suite struct ReliabilityDiagramTests {
  static func isRed(_ r: Int, _ g: Int, _ b: Int) -> Bool { r > 150 && g < 110 && b < 110 }
  static func isBlue(_ r: Int, _ g: Int, _ b: Int) -> Bool { b > 120 && r < 90 && b - g > 40 }

  @Test func matchesGolden() throws {
    let figure = try Figure.reliabilityDiagram(Fixtures.reliabilityPanels)
    let image = try Support.checkGolden(figure, name: "reliabilityDiagram")
    #expect(image.count(where: Self.isRed) > 50)
    #expect(image.count(where: Self.isBlue) > 50)
  }

  @Test func layoutIsDiagramsAboveHistograms() throws {
    let figure = try Figure.reliabilityDiagram(Fixtures.reliabilityPanels)
    #expect(figure.rows == 2 && figure.columns == 4 && figure.panels.count == 8)
    #expect(figure.rowWeights == [3, 1] && figure.shareX && figure.shareY)
    #expect(
      figure.panels.prefix(4).map(\.title) == ["Raw", "Mixup", "Label smoothing", "MTS (ours)"])
    #expect(figure.legend?.entries.count == 6)
    #expect(figure.legend?.position == .bottom)
    let single = try Figure.reliabilityDiagram([Fixtures.reliabilityPanels[0]])
    #expect(single.legend?.position == .right && single.panels.count == 2)
  }

  @Test func eceIsPrintedInPercent() throws {
    let panel = Fixtures.reliability("x", counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 10]) { _ in -0.0617 }
    let axes = Figure.reliabilityAxes(panel)
    let texts = axes.marks.compactMap { mark -> String? in
      if case .text(let t) = mark { return t.text }
      return nil
    }
    #expect(texts == ["ECE = 6.17%"])
  }

  @Test func overConfidentGapsAreRedAndUnderConfidentOnesBlue() throws {
    let over = Fixtures.reliability("over", counts: [0, 0, 0, 0, 0, 10, 10, 10, 10, 10]) { _ in -0.1
    }
    let under = Fixtures.reliability("under", counts: [0, 0, 0, 0, 0, 10, 10, 10, 10, 10]) { _ in
      0.1
    }
    let redOnly = try Figure.reliabilityDiagram([over]).rasterize(dpi: 50)
    let blueOnly = try Figure.reliabilityDiagram([under]).rasterize(dpi: 50)
    // The legend shows both swatches, so compare amounts rather than presence.
    #expect(redOnly.count(where: Self.isRed) > 4 * redOnly.count(where: Self.isBlue))
    #expect(blueOnly.count(where: Self.isBlue) > 4 * blueOnly.count(where: Self.isRed))
  }

  @Test func gapBarsSpanConfidenceToAccuracy() {
    let panel = Fixtures.reliability("p", counts: [0, 0, 0, 0, 0, 0, 0, 0, 5, 5]) {
      $0 == 8 ? -0.2 : 0.02
    }
    let bars = Figure.reliabilityAxes(panel).marks.compactMap { mark -> BarSeries? in
      if case .bars(let b) = mark { return b }
      return nil
    }
    #expect(bars.count == 3)
    #expect(bars[1].hatch == .forward && bars[1].left == [0.8])
    #expect(abs(bars[1].bottom[0] - 0.66) < 1e-12 && abs(bars[1].top[0] - 0.86) < 1e-12)
    #expect(bars[2].hatch == .backward && bars[2].left == [0.9])
  }

  @Test func invalidBinsAreRejected() {
    let bad = ReliabilityPanel(
      title: "bad",
      bins: [ConfidenceBin(lower: 0.5, upper: 0.5, count: 1, meanConfidence: 0.5, accuracy: 0.5)],
      ece: 0)
    #expect(throws: PlotError.self) { try Figure.reliabilityDiagram([bad]) }
    #expect(throws: PlotError.self) { try Figure.reliabilityDiagram([]) }
  }

  @Test func emptyBinsAreLeftOut() throws {
    let panel = ReliabilityPanel(
      title: "empty",
      bins: [ConfidenceBin(lower: 0, upper: 1, count: 0, meanConfidence: .nan, accuracy: .nan)],
      ece: 0)
    let image = try Figure.reliabilityDiagram([panel]).rasterize(dpi: 40)
    #expect(image.inkFraction > 0)
  }
}

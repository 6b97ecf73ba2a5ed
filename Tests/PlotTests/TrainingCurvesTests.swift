import Testing

@testable import Plot

@Suite struct TrainingCurvesTests {
  @Test func matchesGolden() throws {
    let figure = try Figure.trainingCurves(Fixtures.trainingRuns)
    let image = try Support.checkGolden(figure, name: "trainingCurves")
    #expect(image.count(blendOf: Palette.series(0)) > 100)
    #expect(image.count(blendOf: Palette.series(1)) > 100)
  }

  @Test func lossAndAccuracyPanelsWithTrainSolidAndTestDashed() throws {
    let figure = try Figure.trainingCurves(Fixtures.trainingRuns)
    #expect(figure.panels.map(\.title) == ["Loss", "Accuracy"])
    let accuracy = figure.panels[1].marks.compactMap { mark -> LineSeries? in
      if case .line(let s) = mark { return s }
      return nil
    }
    #expect(accuracy.map(\.dash) == [.solid, .dashed, .solid, .dashed])
    #expect(
      accuracy.map(\.label) == [
        "full data, train", "full data, test", "distilled (IPC = 10), train",
        "distilled (IPC = 10), test",
      ])
    #expect(abs((accuracy[0].y.last ?? 0) - 94.8) < 0.2, "accuracy is shown in percent")
  }

  @Test func aSingleRunWithOnlyLossHasOnePanel() throws {
    let run = TrainingRun("r", epochs: [1, 2, 3], trainLoss: [2, 1, 0.5])
    let figure = try Figure.trainingCurves([run], logLoss: true)
    #expect(figure.panels.count == 1 && figure.panels[0].y.scale == .log)
    #expect(try figure.rasterize(dpi: 40).inkFraction > 0.02)
  }

  @Test func mismatchedCurvesAreRejected() {
    let run = TrainingRun("r", epochs: [1, 2], testAccuracy: [0.5])
    #expect(throws: PlotError.lengthMismatch(what: "run 'r' test", expected: 2, found: 1)) {
      try Figure.trainingCurves([run])
    }
    #expect(throws: PlotError.self) { try Figure.trainingCurves([]) }
  }
}

import Foundation
import Testing

@testable import Plot

/// Writes one PNG of each figure type to Examples/figures for the README, when run with
/// `WRITE_EXAMPLE_FIGURES=1`; otherwise only checks that each fits the 800 × 500 budget.
@Suite struct ExampleFiguresTests {
  static var writing: Bool { Support.environment["WRITE_EXAMPLE_FIGURES"] == "1" }

  /// The examples: file name and figure.
  static func figures() throws -> [(name: String, figure: Figure)] {
    let (images, labels) = Fixtures.shapes(perClass: 7)
    return [
      ("reliability-diagram", try Figure.reliabilityDiagram(Fixtures.reliabilityPanels)),
      (
        "max-logit-histogram",
        try Figure.histogram(
          [Fixtures.maxLogits], bins: 40, xLabel: "Max logit",
          title: "Max logits on the CIFAR-10 test set")
      ),
      ("dropped-singular-values", try Figure.linePlot([Fixtures.droppedSingularValues])),
      (
        "tsne-scatter",
        try Figure.scatterMap(
          Fixtures.embeddings, classNames: Fixtures.cifarClasses, columns: 2)
      ),
      (
        "image-grid",
        try Figure.imageGrid(images, labels: labels, classNames: Fixtures.shapeClasses, perClass: 7)
      ),
      ("training-curves", try Figure.trainingCurves(Fixtures.trainingRuns)),
    ]
  }

  /// The highest dpi up to 100 at which `figure` fits in 800 × 500 pixels.
  static func dpi(for figure: Figure) -> Double {
    min(100, 800 * 72 / figure.width, 500 * 72 / figure.height).rounded(.down)
  }

  @Test func examplesFitTheBudget() throws {
    for (name, figure) in try Self.figures() {
      let dpi = Self.dpi(for: figure)
      #expect(dpi >= 70, "\(name) would be rendered at only \(dpi) dpi")
      #expect(figure.width * dpi / 72 <= 800.5 && figure.height * dpi / 72 <= 500.5, "\(name)")
    }
  }

  @Test(.enabled(if: writing)) func writeExampleFigures() throws {
    try FileManager.default.createDirectory(
      atPath: Support.examplesDirectory, withIntermediateDirectories: true)
    for (name, figure) in try Self.figures() {
      try figure.write(to: Support.examplesDirectory + "/\(name).png", dpi: Self.dpi(for: figure))
    }
    let (images, labels) = Fixtures.shapes(perClass: 7)
    let raw = try ImageGrid.raster(
      images, labels: labels, classCount: Fixtures.shapeClasses.count, perClass: 7)
    try PNGFile.write(raw, to: Support.examplesDirectory + "/image-grid-raw.png")
  }
}

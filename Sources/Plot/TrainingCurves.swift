/// Per-epoch metrics of one training run; any of the four curves may be missing.
public struct TrainingRun: Sendable, Equatable {
  /// The legend name of the run (e.g. "full data", "MTT IPC=10").
  public var label: String
  /// Epoch numbers, one per recorded value.
  public var epochs: [Double]
  /// Mean training loss per epoch.
  public var trainLoss: [Double]?
  /// Test loss per epoch.
  public var testLoss: [Double]?
  /// Accuracies as fractions in [0, 1]; plotted in percent.
  public var trainAccuracy: [Double]?
  /// Test accuracy per epoch.
  public var testAccuracy: [Double]?
  /// Nil takes the next series colour.
  public var color: Color?

  /// A run called `label` recorded at `epochs`.
  public init(
    _ label: String, epochs: [Double], trainLoss: [Double]? = nil, testLoss: [Double]? = nil,
    trainAccuracy: [Double]? = nil, testAccuracy: [Double]? = nil, color: Color? = nil
  ) {
    self.label = label
    self.epochs = epochs
    self.trainLoss = trainLoss
    self.testLoss = testLoss
    self.trainAccuracy = trainAccuracy
    self.testAccuracy = testAccuracy
    self.color = color
  }
}

extension Figure {
  /// Training curves in two panels, loss (left) and accuracy in percent (right): each run
  /// in its own colour, training curves solid and test curves dashed.
  /// - Parameters:
  ///   - runs: one or more runs.
  ///   - logLoss: a logarithmic loss axis.
  ///   - title: an optional figure title.
  /// - Throws: `PlotError.lengthMismatch` when a curve's length differs from `epochs`;
  ///   `invalidArgument` for no runs.
  public static func trainingCurves(
    _ runs: [TrainingRun], logLoss: Bool = false, title: String? = nil
  ) throws(PlotError) -> Figure {
    try PlotError.check(!runs.isEmpty, "runs", "[]", expected: "at least one run")
    var loss = Axes(
      title: "Loss", x: Axis("Epoch"), y: Axis("Cross-entropy", scale: logLoss ? .log : .linear))
    var accuracy = Axes(title: "Accuracy", x: Axis("Epoch"), y: Axis("Accuracy (%)"))
    for (k, run) in runs.enumerated() {
      let color = run.color ?? Palette.series(k)
      let name = runs.count > 1 ? run.label + ", " : ""
      let curves: [(String, [Double]?, Dash, Bool)] = [
        ("train loss", run.trainLoss, .solid, false), ("test loss", run.testLoss, .dashed, false),
        ("train", run.trainAccuracy, .solid, true), ("test", run.testAccuracy, .dashed, true),
      ]
      for (what, values, dash, isAccuracy) in curves {
        guard let values else { continue }
        try PlotError.checkLength(
          "run '\(run.label)' \(what)", expected: run.epochs.count, found: values.count)
        let y = isAccuracy ? values.map { $0 * 100 } : values
        let shortName = isAccuracy ? what : String(what.prefix(while: { $0 != " " }))
        var line = LineSeries(
          x: run.epochs, y: y, label: name + shortName, color: color, dash: dash,
          marker: run.epochs.count <= 30 ? (dash == .solid ? .circle : .square) : .none)
        line.markerSize = 4.5
        if isAccuracy { accuracy.add(.line(line)) } else { loss.add(.line(line)) }
      }
    }
    let panels = [loss, accuracy].filter { !$0.marks.isEmpty }
    return Figure(
      width: panels.count == 1 ? 360 : 576, height: title == nil ? 280 : 300, rows: 1,
      columns: max(panels.count, 1), panels: panels.isEmpty ? [loss] : panels, title: title)
  }
}

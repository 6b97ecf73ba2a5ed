import Calibration
import Datasets
import Foundation
import Plot
import TensorCore
import Training

/// Figures: each command renders with Cairo into the session folder (or file=) and embeds the
/// image in transcript.md.
public enum PlotCommands: CommandProvider {
  public static var commands: [Command] { [plot, show] }

  static var plot: Command {
    Command(
      name: "plot", family: .plot,
      summary: "Draws a figure: reliability diagrams, max-logit histograms, sweeps, curves.",
      discussion: """
        plot reliability M1 M2 … data=D   one reliability panel per model (Fig. 1): accuracy
                                          bars, the diagonal, over-confidence gaps in red and
                                          under-confidence in blue, ECE, confidence histogram.
        plot hist M1 M2 … data=D          max-logit distributions of the models on D (Fig. 2, 7);
                                          r= masks the inputs first (models only; a list
                                          overlays each ratio); data=[D1, D2 …] gives each
                                          model its own images (e.g. its training set and the
                                          test set); of=prob plots max softmax probabilities.
        Wherever a model goes, predictions (from eval, or `predictions` on logits exported
        from any framework) may go instead; data= is then not needed.
        plot reliability T / plot hist T  a calibration table: one panel or curve per row.
        plot lines T x=r|v|ipc            a calibration table's test ECE against the mask ratio
                                          (Fig. 8), the fraction v (Fig. 9) or the IPC of its
                                          sets (Fig. 10), one curve per method.
        plot lines S1 S2 …                ECE and temperature against the mask ratio of sweeps;
                                          cumulative explained ratio of svd spectra (Fig. 13);
                                          accuracy against % dropped of an svd_sweep (Fig. 3, 5).
        plot curves H1 H2 …               loss and accuracy per epoch of training histories.
        plot scatter E1 E2 …              t-SNE maps (from `tsne`, or [N, 2] tensors) coloured
                                          by labels= with classes= in the legend (Fig. 4, 6).
        plot tsne M1 M2 … data=D          the Fig. 4 grid in one command: a row per model, a
                                          column per layer (layers=, default conv1…conv3, fc),
                                          t-SNE (Barnes–Hut, seeded) of `count` images of D.
        Models are labelled by names=[...] or by how they were made. The file goes into the
        session folder (file= names it; .png, .svg or .pdf) and into transcript.md.
        """,
      parameters: [
        .positional("kind", .choice(of: PlotKind.self), doc: "which figure"),
        .variadic("values", .any, doc: "models or predictions, sweeps or histories, by kind"),
        .keyword(
          "data", .oneOf([.images, .list(.images)]),
          doc: "images (reliability, hist); a list gives one per value (hist)"),
        .keyword("names", .list(.string), doc: "labels, one per value"),
        .keyword(
          "r", .oneOf([.float, .list(.float)]), default: .float(0), bounds: .fraction,
          doc: "input mask ratio(s) (hist)"),
        .keyword(
          "of", .choice(of: MaxStatistic.self), default: .choice(MaxStatistic.logit),
          doc: "max logit or max softmax probability (hist)"),
        .keyword(
          "labels", Arguments.arrayType, bounds: .classIndex, doc: "class of each point (scatter)"),
        .keyword("classes", .list(.string), doc: "class names for the legend (scatter)"),
        .keyword(
          "layers", .list(.choice(AnalysisCommands.layerNames)),
          default: .list(["conv1", "conv2", "conv3", "fc"].map { .string($0) }),
          doc: "layers, one column each (tsne)"),
        .keyword(
          "count", .int, default: .int(1000), bounds: .count, unit: "images",
          doc: "images embedded (tsne)"),
        .keyword("seed", .int, bounds: .seed, doc: "image sample and t-SNE seed (tsne)"),
        .keyword("title", .string, doc: "figure title"),
        .keyword("file", .path, doc: "file name (default: <kind>-N.png)"),
        .keyword(
          "dpi", .float, default: .float(100), bounds: .dpi, doc: "resolution of .png output"),
        .keyword("x", .choice(of: TableAxis.self), doc: "axis of a calibration table (lines)"),
      ],
      example: "plot reliability net ts mts data=fm.test names=[\"raw\", \"TS\", \"MTS\"]"
    ) { context in
      let args = context.arguments
      let kind = try args.choice("kind", as: PlotKind.self)
      let given = args.variadic("values")
      let values = kind == .reliability || kind == .hist ? expandingTables(given) : given
      guard !values.isEmpty else { throw args.invalid("kind", "give at least one value to plot") }
      let names = try labels(values, args)
      let title = args.isGiven("title") ? try args.string("title") : nil
      let figure: Figure
      do {
        switch kind {
        case .reliability: figure = try reliability(values, names, args, title)
        case .hist: figure = try histogram(values, names, args, title)
        case .lines:
          if values.count == 1, let table = values[0].object(as: CalibrationTableObject.self) {
            figure = try tableLines(table, args, title)
          } else {
            figure = try sweepLines(values, names, title)
          }
        case .curves: figure = try curves(values, names, title)
        case .scatter: figure = try scatter(values, names, args, title)
        case .tsne: figure = try tsneGrid(values, names, context, title)
        }
      } catch let error as ShellError {
        throw error
      } catch let error as ArgumentFailure {
        throw error
      } catch {
        throw args.invalid("values", "\(error)")
      }
      return try emit(figure, kind: kind.rawValue, context)
    }
  }

  static var show: Command {
    Command(
      name: "show", family: .plot,
      summary: "Shows a dataset's images as a classes × images-per-class grid (distilled sets!).",
      discussion: """
        Rows are classes (named on the left), columns the first per_class images of each;
        small images are scaled up with nearest-neighbour. display=dataset undoes the
        dataset's normalisation; display=minmax stretches each image to its own range.
        """,
      parameters: [
        .positional("data", .images, doc: "the images"),
        .keyword(
          "per_class", .int, default: .int(10), bounds: .closed(1, 100), unit: "images/class",
          doc: "columns"),
        .keyword(
          "display", .choice(of: PixelDisplay.self), default: .choice(PixelDisplay.dataset),
          doc: "pixel mapping"),
        .keyword("title", .string, doc: "figure title"),
        .keyword("file", .path, doc: "file name (default: show-N.png)"),
        .keyword(
          "dpi", .float, default: .float(100), bounds: .dpi, doc: "resolution of .png output"),
      ],
      example: "show syn per_class=10"
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      let perClass = try args.int("per_class")
      let norm = data.normalization
      let mapping: PixelMapping
      switch try args.choice("display", as: PixelDisplay.self) {
      case .minmax: mapping = .minMax
      case .dataset: mapping = .denormalize(mean: norm.mean, std: norm.std)
      }
      let title = args.isGiven("title") ? try args.string("title") : data.name
      do {
        let figure = try Figure.imageGrid(
          data.images, labels: data.labels, classNames: names(of: data), perClass: perClass,
          mapping: mapping, title: title)
        return try emit(figure, kind: "show", context)
      } catch let error as PlotError {
        throw args.invalid("data", "\(error)")
      }
    }
  }

  static func names(of data: Dataset) -> [String] {
    data.classNames.isEmpty ? (0..<data.classCount).map(String.init) : data.classNames
  }

  static func labels(_ values: [Value], _ args: Arguments) throws -> [String] {
    if args.isGiven("names") {
      let given = try args.list("names").compactMap { v -> String? in
        if case .string(let s) = v { return s }
        return nil
      }
      guard given.count == values.count else {
        throw args.invalid("names", "give one name per value (\(values.count))")
      }
      return given
    }
    return values.enumerated().map { index, value in
      value.object(as: ModelObject.self)?.origin ?? value.object(as: PredictionsObject.self)?.source
        ?? "\(value.typeName) \(index + 1)"
    }
  }

  /// Each value as predictions: models run on data= (cached logits), predictions as given.
  static func scored(_ values: [Value], _ args: Arguments) throws -> [PredictionsObject] {
    try values.map { value in
      if let predictions = value.object(as: PredictionsObject.self) { return predictions }
      guard let model = value.object(as: ModelObject.self) else {
        throw args.invalid("values", "expected models or predictions, got \(value.typeName)")
      }
      guard let data = try args.optionalDataset("data", split: .test) else {
        throw args.invalid("data", "give data=… (the images to evaluate the models on)")
      }
      return try Scored.of(model, on: data, args)
    }
  }

  static func dataset(_ args: Arguments) throws -> Dataset {
    guard let data = try args.optionalDataset("data", split: .test) else {
      throw args.invalid("data", "give data=… (the images to evaluate on)")
    }
    return data
  }

  /// "on fashion-mnist/test" when every value was scored on the same data.
  static func commonData(_ scored: [PredictionsObject]) -> String {
    let names = Set(scored.map(\.dataName))
    return names.count == 1 ? " on \(names.first ?? "")" : ""
  }

  static func reliability(_ values: [Value], _ names: [String], _ args: Arguments, _ title: String?)
    throws -> Figure
  {
    let scored = try scored(values, args)
    var panels: [ReliabilityPanel] = []
    for (predictions, name) in zip(scored, names) {
      let diagram = predictions.predictions.reliability(.guo)
      let bins = diagram.bins.map {
        ConfidenceBin(
          lower: $0.lower, upper: $0.upper, count: $0.count, meanConfidence: $0.meanConfidence,
          accuracy: $0.accuracy)
      }
      panels.append(ReliabilityPanel(title: name, bins: bins, ece: diagram.ece))
    }
    return try Figure.reliabilityDiagram(panels, title: title ?? "Reliability\(commonData(scored))")
  }

  static func sweepLines(_ values: [Value], _ names: [String], _ title: String?) throws -> Figure {
    if values.allSatisfy({ $0.object(as: SpectrumObject.self) != nil }) {
      return try spectrumLines(
        values.compactMap { $0.object(as: SpectrumObject.self) }, names, title)
    }
    if values.count == 1, let sweep = values[0].object(as: SVDSweepObject.self) {
      return try svdSweepLines(sweep, title)
    }
    var ece: [LineData] = []
    var temperature: [LineData] = []
    for (value, name) in zip(values, names) {
      guard let sweep = value.object(as: SweepObject.self) else {
        throw ShellError.failed("plot lines expects sweeps, got \(value.typeName)")
      }
      let rows = sweep.result.rows
      ece.append(LineData(name, x: rows.map(\.ratio), y: rows.map(\.ece)))
      temperature.append(LineData(name, x: rows.map(\.ratio), y: rows.map(\.temperature)))
    }
    return try Figure.linePlot(
      [
        LinePanel(xLabel: "mask ratio r", yLabel: "validation ECE", series: ece),
        LinePanel(xLabel: "mask ratio r", yLabel: "temperature T", series: temperature),
      ], sharedLegend: true, title: title ?? "Masked temperature scaling sweep")
  }

  /// Cumulative explained ratio against the fraction of components kept (Fig. 13), with the
  /// diagonal of evenly spread information.
  static func spectrumLines(_ spectra: [SpectrumObject], _ names: [String], _ title: String?)
    throws -> Figure
  {
    var series = zip(spectra, names).map { spectrum, name -> LineData in
      let ratio = spectrum.spectrum.cumulativeRatio(spectrum.measure)
      let n = Double(ratio.count)
      return LineData(name, x: [0] + ratio.indices.map { Double($0 + 1) / n }, y: [0] + ratio)
    }
    series.append(LineData("even", x: [0, 1], y: [0, 1], color: .gray, dash: .dotted))
    let measure = spectra.first?.measure == .sigma ? "Σσ" : "Σσ²"
    return try Figure.linePlot(
      [
        LinePanel(
          xLabel: "fraction of singular values", yLabel: "cumulative share of \(measure)",
          series: series)
      ],
      title: title ?? "Cumulative explained ratio")
  }

  /// Test accuracy (mean ± std) against the percentage of top singular values dropped, one
  /// curve per set (Fig. 3, 5).
  static func svdSweepLines(_ sweep: SVDSweepObject, _ title: String?) throws -> Figure {
    let series = sweep.sets.map { set -> LineData in
      let rows = sweep.rows.filter { $0.set == set }
      return LineData(
        set, x: rows.map { 100 * $0.fraction }, y: rows.map { 100 * $0.accuracy },
        std: rows.map { 100 * $0.std })
    }
    return try Figure.linePlot(
      [
        LinePanel(
          xLabel: "top singular values dropped (%)", yLabel: "test accuracy (%)", series: series)
      ],
      title: title ?? "Accuracy after dropping top singular values")
  }

  static func curves(_ values: [Value], _ names: [String], _ title: String?) throws -> Figure {
    let runs = try zip(values, names).map { value, name -> TrainingRun in
      guard let history = value.object(as: HistoryObject.self) else {
        throw ShellError.failed("plot curves expects training histories, got \(value.typeName)")
      }
      let r = history.records
      return TrainingRun(
        name, epochs: r.map { Double($0.epoch + 1) }, trainLoss: r.map(\.loss),
        trainAccuracy: r.map(\.accuracy))
    }
    return try Figure.trainingCurves(runs, title: title ?? "Training")
  }

  /// Writes the figure into the session folder (or the working directory without a session)
  /// and embeds it in the transcript.
  static func emit(_ figure: Figure, kind: String, _ context: CommandContext) throws -> Value {
    let args = context.arguments
    let session = try context.session()
    let name = args.isGiven("file") ? try args.string("file") : nextName(kind, session)
    let target =
      name.hasPrefix("/") || session == nil
      ? name : session.map { $0.figureURL(named: name).path } ?? name
    let written: String
    do {
      written = try figure.write(to: target, dpi: try args.float("dpi"))
    } catch {
      throw args.invalid(args.isGiven("file") ? "file" : "kind", "\(error)")
    }
    if let session { _ = try session.attachFigure(written) }
    context.output.line("wrote \(Session.displayPath(written))")
    return .none
  }

  nonisolated(unsafe) private static var counter = 0

  static func nextName(_ kind: String, _ session: Session?) -> String {
    var name: String
    repeat {
      counter += 1
      name = "\(kind)-\(counter).png"
    } while session.map { FileManager.default.fileExists(atPath: $0.figureURL(named: name).path) }
      ?? false
    return name
  }
}

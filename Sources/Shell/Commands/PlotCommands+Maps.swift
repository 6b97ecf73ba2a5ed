import Analysis
import Datasets
import Foundation
import Plot
import TensorCore
import Training

/// `plot scatter` and `plot tsne`: maps of embeddings coloured by class.
extension PlotCommands {
  /// One panel per embedding (or [N, 2] tensor), coloured by its labels (labels= overrides).
  static func scatter(_ values: [Value], _ names: [String], _ args: Arguments, _ title: String?)
    throws -> Figure
  {
    var panels: [ScatterPanel] = []
    var classNames: [String]?
    for (value, name) in zip(values, names) {
      let points: NDArray
      var labels: [Int]?
      if let embedding = value.object(as: EmbeddingObject.self) {
        points = embedding.result.embedding
        labels = embedding.labels
        classNames = classNames ?? embedding.classNames
      } else if case .tensor(let array) = value {
        points = array
      } else {
        throw args.invalid(
          "values", "plot scatter takes embeddings or [N, 2] tensors, got \(value.typeName)")
      }
      guard points.rank == 2, points.shape[1] == 2 else {
        throw args.invalid("values", "points must be [N, 2], got \(points.shape)")
      }
      if args.isGiven("labels") { labels = try args.integers("labels") }
      let n = points.shape[0]
      let column = { (c: Int) in (0..<n).map { Double(points.data[$0 * 2 + c]) } }
      panels.append(
        ScatterPanel(
          title: name, x: column(0), y: column(1), labels: labels ?? Array(repeating: 0, count: n)))
    }
    if args.isGiven("classes") { classNames = try strings(args, "classes") }
    let classes = (panels.flatMap(\.labels).max() ?? 0) + 1
    let legend = classNames ?? (0..<classes).map(String.init)
    return try Figure.scatterMap(panels, classNames: legend, title: title)
  }

  /// Fig. 4: rows are models, columns layers; each panel the t-SNE of that layer's features
  /// on the same `count` images of data=, coloured by their labels.
  static func tsneGrid(
    _ values: [Value], _ names: [String], _ context: CommandContext, _ title: String?
  )
    throws -> Figure
  {
    let args = context.arguments
    let models = try values.map { value -> ModelObject in
      guard let model = value.object(as: ModelObject.self) else {
        throw args.invalid("values", "plot tsne takes models, got \(value.typeName)")
      }
      return model
    }
    var data = try dataset(args)
    let count = try args.int("count")
    guard count >= 10, count <= data.count else {
      throw args.invalid("count", "must be 10…\(data.count)")
    }
    var rng = try context.randomStream()
    let seed = UInt64(rng.int(in: 0..<Int(Int32.max)))
    data = try data.subset(Array(rng.permutation(data.count).prefix(count)))
    let layers = try strings(args, "layers")
    var options = TSNEOptions()
    options.seed = seed
    var panels: [ScatterPanel] = []
    // Models' origins are too long for panel titles: number them unless names= is given.
    let rows = args.isGiven("names") ? names : models.indices.map { "model \($0 + 1)" }
    for (model, name) in zip(models, rows) {
      try TrainCommands.checkFits(model, data, args)
      for layer in layers {
        let block = try AnalysisCommands.blockIndex(layer, depth: model.model.config.depth, args)
        let features: NDArray
        if let block {
          features = try Evaluation.features(model.model, images: data.images, block: block)
        } else {
          features = try LogitCache.logits(model.model, on: data)
        }
        let result = try AnalysisCommands.embed(
          features, options, context, label: "tsne \(name) \(layer)")
        let y = result.embedding
        panels.append(
          ScatterPanel(
            title: "\(name), \(layer)", x: (0..<count).map { Double(y.data[$0 * 2]) },
            y: (0..<count).map { Double(y.data[$0 * 2 + 1]) }, labels: data.labels))
      }
    }
    return try Figure.scatterMap(
      panels, classNames: PlotCommands.names(of: data), columns: layers.count,
      title: title ?? "t-SNE of layer features on \(data.name)")
  }

  static func strings(_ args: Arguments, _ name: String) throws -> [String] {
    try args.list(name).map { value in
      guard case .string(let text) = value else { throw args.invalid(name, "expected strings") }
      return text
    }
  }
}

import Analysis
import Datasets
import Foundation
import TensorCore

/// t-SNE from the shell: `tsne` embeds a tensor of features; `plot scatter` and `plot tsne`
/// draw embeddings (the paper's Fig. 4, 6, 12).
extension AnalysisCommands {
  static var tsne: Command {
    Command(
      name: "tsne", family: .analyze,
      summary: "t-SNE of points [N, D] (e.g. layer features) into 2-D, with its KL divergence.",
      discussion: """
        Affinities from each point's k = 3·perplexity nearest neighbours, a per-point binary
        search for the Gaussian's width to hit the perplexity, symmetrised (openTSNE,
        scikit-learn). Gradient descent with early exaggeration for `early` steps (momentum
        0.5, then 0.8), van der Maaten's gains, learning_rate=auto (N/12/4, then N/4, at least
        50). Repulsion exact (O(N²), small N), bh (Barnes–Hut, θ = theta) or fft (FIt-SNE
        interpolation, large N). init=pca starts from the principal components scaled to std
        1e-4 (deterministic); init=random from seed=. The same input and seed give the same
        map whatever the thread count. Ctrl-C keeps the embedding reached so far. labels=
        attaches class labels for `plot scatter` (default: none; `features` keeps the order of
        its images, so give the dataset's labels from the same `take`/`count` selection).
        """,
      parameters: [
        .positional("points", .tensor, doc: "[N, D] points"),
        .keyword(
          "perplexity", .float, default: .float(30), bounds: .above(0, through: 1e6),
          doc: "effective number of neighbours"),
        .keyword(
          "iterations", .int, default: .int(1000), bounds: .closed(1, 1_000_000),
          doc: "gradient steps in all"),
        .keyword(
          "exaggeration", .float, default: .float(12), bounds: .above(0, through: 1e6),
          doc: "early exaggeration factor"),
        .keyword(
          "early", .int, default: .int(250), bounds: .closed(0, 1_000_000),
          doc: "steps with exaggeration"),
        .keyword(
          "learning_rate", .oneOf([.choice(["auto"]), .float]), default: .string("auto"),
          bounds: .learningRate, doc: "step size, or auto"),
        .keyword(
          "init", .choice(of: TSNEStart.self), default: .choice(TSNEStart.pca),
          doc: "starting embedding"),
        .keyword(
          "method", .choice(of: TSNEMethodChoice.self), default: .choice(TSNEMethodChoice.bh),
          doc: "repulsion"),
        .keyword(
          "theta", .float, default: .float(0.5), bounds: .closed(0, 10),
          doc: "Barnes–Hut accuracy θ"),
        .keyword(
          "labels", .oneOf([.tensor, .list(.int)]), bounds: .classIndex,
          doc: "class labels for plot scatter"),
        .keyword("classes", .list(.string), doc: "class names for plot scatter"),
        .keyword("seed", .int, bounds: .seed, doc: "random initialisation seed"),
      ],
      example: "emb = tsne f perplexity=30 method=bh seed=0"
    ) { context in
      let args = context.arguments
      let points = try args.tensor("points")
      let options = try tsneOptions(args, context)
      let labels = try args["labels"] == nil ? nil : args.integers("labels")
      let result = try embed(points, options, context, label: "tsne")
      let names =
        args.isGiven("classes")
        ? try args.list("classes").compactMap { v -> String? in
          if case .string(let s) = v { return s } else { return nil }
        } : nil
      return .object(try EmbeddingObject(result, points: points, labels: labels, classNames: names))
    }
  }

  static func tsneOptions(_ args: Arguments, _ context: CommandContext) throws -> TSNEOptions {
    var o = TSNEOptions()
    o.perplexity = try args.float("perplexity")
    o.iterations = try args.int("iterations")
    o.earlyExaggeration = try args.float("exaggeration")
    o.earlyExaggerationIterations = try args.int("early")
    if case .float(let rate)? = args["learning_rate"] { o.learningRate = .fixed(rate) }
    switch try args.choice("init", as: TSNEStart.self) {
    case .pca: o.initialization = .pca
    case .random: o.initialization = .random
    }
    switch try args.choice("method", as: TSNEMethodChoice.self) {
    case .exact: o.method = .exact
    case .fft: o.method = .fft()
    case .bh: o.method = .barnesHut(theta: try args.float("theta"))
    }
    var rng = try context.randomStream()
    o.seed = UInt64(rng.int(in: 0..<Int(Int32.max)))
    return o
  }

  /// Runs t-SNE with a progress line (iteration, KL, ETA); Ctrl-C keeps the map so far.
  static func embed(
    _ points: NDArray, _ options: TSNEOptions, _ context: CommandContext, label: String
  )
    throws -> TSNEResult
  {
    let args = context.arguments
    let bar = context.progress(label, total: options.iterations, unit: "it")
    defer { bar.finish() }
    do {
      let result = try TSNE.embed(
        points, options: options,
        progress: { p in
          bar.update(
            p.iteration, status: String(format: "KL %.4f%@", p.kl, p.exaggerating ? " (early)" : "")
          )
        },
        shouldStop: { Interrupt.isRequested })
      if result.stoppedEarly {
        Interrupt.clear()
        context.output.line(
          "interrupted at iteration \(result.iterations): the embedding so far is kept")
      }
      return result
    } catch let error as AnalysisError {
      throw args.invalid("points", error.description)
    }
  }
}

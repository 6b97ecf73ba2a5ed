import Analysis
import Calibration
import Datasets
import Distillation
import Foundation
import NN
import TensorCore
import Training

/// The paper's representation analyses (§3.2, §5.4–§5.6, appendix B.2): layer features, the
/// SVD of datasets, and accuracy after dropping top singular components.
public enum AnalysisCommands: CommandProvider {
  public static var commands: [Command] { [features, svd, svdDrop, svdSweep, tsne] }

  static var features: Command {
    Command(
      name: "features", family: .analyze,
      summary: "A layer's features of a model on images, as a tensor [N, D] (for t-SNE, SVD).",
      discussion: """
        layer=convK is block K's output after its pooling, flattened (K = 1 … depth); fc is the
        classifier's input (the last block's output); logits the network's output. count= takes
        a random subset of that many images (seeded) first; without it every image is used.
        """,
      parameters: [
        .positional("model", .object(of: ModelObject.self), doc: "the network"),
        .positional("data", .images, doc: "images (a data pair uses its test split)"),
        .keyword(
          "layer", .choice(layerNames), default: .string("fc"), doc: "conv1 … convD, fc or logits"),
        .keyword("count", .int, bounds: .count, doc: "a random subset of this many images"),
        .keyword("seed", .int, bounds: .seed, doc: "subset seed"),
      ],
      example: "f = features net fm.test layer=fc count=1000"
    ) { context in
      let args = context.arguments
      let model = try args.object("model", as: ModelObject.self)
      var data = try args.dataset("data", split: .test)
      try TrainCommands.checkFits(model, data, args)
      let depth = model.model.config.depth
      let layer = try args.string("layer")
      let block = try blockIndex(layer, depth: depth, args)
      if args.isGiven("count") {
        let count = try args.int("count")
        guard count >= 1, count <= data.count else {
          throw args.invalid("count", "must be 1…\(data.count)")
        }
        var rng = try context.randomStream()
        data = try data.subset(Array(rng.permutation(data.count).prefix(count)))
      }
      guard let block else {
        return .tensor(try LogitCache.logits(model.model, on: data))
      }
      return .tensor(try Evaluation.features(model.model, images: data.images, block: block))
    }
  }

  /// Every layer name a ConvNet of the largest depth has.
  static let layerNames = (1...8).map { "conv\($0)" } + ["fc", "logits"]

  /// The block index of `conv1` … `convD` or `fc` (the last block); nil for logits.
  static func blockIndex(_ layer: String, depth: Int, _ args: Arguments) throws -> Int? {
    if layer == "logits" { return nil }
    if layer == "fc" { return depth - 1 }
    let names = (1...depth).map { "conv\($0)" }
    guard let index = names.firstIndex(of: layer) else {
      throw args.invalid(
        "layer", "expected one of \((names + ["fc", "logits"]).joined(separator: ", "))")
    }
    return index
  }

  static var svd: Command {
    Command(
      name: "svd", family: .analyze,
      summary: "Singular values of a set of images and their cumulative explained ratio (Fig. 13).",
      discussion: """
        The paper does not say which matrix it decomposes (Eq. 2), so both readings are here:
        mode=dataset (default) decomposes X = the images as stored (normalised or whitened),
        flattened to N × (C·H·W); mode=image decomposes each image's each channel as its own
        H × W matrix and averages the i-th singular value over them. No centring. The
        cumulative explained ratio accumulates σ² (ratio=energy, the PCA convention) or σ
        (ratio=sigma); a curve bent to the top left means information concentrated in a few
        components (`plot lines` draws it). dataset mode works through the double-precision
        Gram matrix of the smaller side, so all 60,000 Fashion-MNIST images take seconds.
        """,
      parameters: [
        .positional("data", .images, doc: "images (a data pair uses its training split)"),
        .keyword(
          "mode", .choice(of: SpectrumMode.self), default: .choice(SpectrumMode.dataset),
          doc: "one matrix, or one per image and channel"),
        .keyword(
          "ratio", .choice(of: RatioMeasure.self), default: .choice(RatioMeasure.energy),
          doc: "accumulate σ² or σ"),
      ],
      example: "s = svd syn mode=dataset"
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      let spectrum = try analysis(args, "data") {
        try DataSVD.spectrum(data.images, mode: try args.choice("mode", as: SpectrumMode.self))
      }
      return .object(
        SpectrumObject(
          spectrum, dataName: data.name, measure: try args.choice("ratio", as: RatioMeasure.self)))
    }
  }

  static var svdDrop: Command {
    Command(
      name: "svd_drop", family: .analyze,
      summary: "A dataset rebuilt without its top singular components (paper Eq. 3), same labels.",
      discussion: """
        X̂ = Σ_{i>k} σᵢ uᵢ vᵢᵀ with k = ⌈drop · rank⌉: the images minus their projection on the
        k leading singular directions (per image and channel in mode=image). The result is a
        dataset like any other: train, evaluate_set and svd take it.
        """,
      parameters: [
        .positional("data", .images, doc: "images (a data pair uses its training split)"),
        .keyword(
          "drop", .float, default: .float(0.1), bounds: .unitInterval,
          doc: "fraction of the rank to drop, in [0, 1]"),
        .keyword(
          "mode", .choice(of: SpectrumMode.self), default: .choice(SpectrumMode.dataset),
          doc: "one matrix, or one per image and channel"),
      ],
      example: "d10 = svd_drop syn drop=0.1"
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      let fraction = try args.float("drop")
      let (images, k) = try analysis(args, "drop") {
        try DataSVD.dropTop(
          data.images, fraction: fraction, mode: try args.choice("mode", as: SpectrumMode.self))
      }
      context.output.line(
        "dropped the top \(k) singular component\(k == 1 ? "" : "s") of \(data.name)")
      let rebuilt = try Dataset(
        name: data.name + String(format: "[svd −%.0f%%]", 100 * fraction), images: images,
        labels: data.labels, classCount: data.classCount, classNames: data.classNames,
        normalization: data.normalization)
      return .object(DatasetObject(rebuilt))
    }
  }

  /// `body`'s result; analysis errors are shown at the argument `name`.
  static func analysis<T>(_ args: Arguments, _ name: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as AnalysisError {
      throw args.invalid(name, error.description)
    } catch let error as LinalgError {
      throw args.invalid(name, error.description)
    }
  }
}

import Datasets
import Foundation
import TensorCore

extension DataCommands {
  static var zca: Command {
    Command(
      name: "zca", family: .data,
      summary: "ZCA-whitens data (MTT's CIFAR preprocessing), fitted on the training images.",
      discussion: """
        docs/ALGORITHMS.md §13.2 (kornia's ZCAWhitening as MTT uses it): the images are first taken
        back to [0, 1] pixels (MTT's --zca skips mean/std normalisation), flattened per sample;
        Cov = XcᵀXc/(N − 1), T = U diag(1/√(λ + eps)) Uᵀ; x ↦ (x − μ)·T. Given a data value,
        the transform is fitted on its training split and applied to both splits; given a
        dataset, fitted on and applied to it. For 3×32×32 (D = 3072) this is one 3072² eigen
        decomposition — seconds. Fashion-MNIST is not whitened in the reference code.
        """,
      parameters: [
        .positional("data", .images, doc: "images to whiten"),
        .keyword(
          "eps", .float, default: .float(0.1), bounds: .above(0, through: 1e6),
          doc: "regulariser added to the eigenvalues"),
      ],
      example: "cz = zca c10 eps=0.1"
    ) { context in
      let args = context.arguments
      let eps = Float(try args.float("eps"))
      func whiten(_ d: Dataset, _ z: ZCAWhitening) throws -> Dataset {
        var out = try d.replacingImages(
          try z.whiten(d.pixelImages()), normalization: .identity(channels: d.imageShape[0]))
        out.name = d.name + "-zca"
        return out
      }
      if let splits = args["data"]?.object(as: DataSplitsObject.self) {
        let z = try ZCAWhitening.fit(splits.train.pixelImages(), epsilon: eps)
        return .object(
          DataSplitsObject(
            name: splits.name + "-zca", train: try whiten(splits.train, z),
            test: try whiten(splits.test, z)))
      }
      let data = try args.object("data", as: DatasetObject.self).dataset
      let z = try ZCAWhitening.fit(data.pixelImages(), epsilon: eps)
      return .object(DatasetObject(try whiten(data, z)))
    }
  }
}

import Datasets
import NN
import TensorCore

/// Building networks.
public enum ModelCommands: CommandProvider {
  public static var commands: [Command] { [convnet] }

  static var convnet: Command {
    Command(
      name: "convnet", family: .model,
      summary: "Builds the dataset-distillation ConvNet for a dataset's images.",
      discussion: """
        D × [conv 3×3 → norm → ReLU → pool] → linear, PyTorch-default initialisation
        (docs/ALGORITHMS.md §1). 28×28 grayscale inputs get padding 3 in the first conv, as the DC
        code does: ConvNet-3 width 128 then has 317,706 parameters (320,010 for 3×32×32). Without
        seed= the weights come from the next stream of the global seed.
        """,
      parameters: [
        .positional(
          "data", .images,
          doc: "the data whose image shape and classes the network takes"),
        .keyword(
          "depth", .int, default: .int(3), bounds: .depth,
          doc: "conv blocks (3 for 28/32 px, 4 for 64, 5 for 128)"),
        .keyword(
          "width", .int, default: .int(128), bounds: .netWidth, unit: "channels",
          doc: "channels per conv"),
        .keyword(
          "norm", .choice(of: NormKind.self), default: .choice(NormKind.instance),
          doc: "normalisation layer"),
        .keyword(
          "pool", .choice(of: PoolKind.self), default: .choice(PoolKind.avg),
          doc: "pooling layer"),
        .keyword("seed", .int, bounds: .seed, doc: "initialisation seed"),
      ],
      example: "net = convnet fm depth=3 width=128 seed=0"
    ) { context in
      let args = context.arguments
      let data = try args.dataset("data")
      let shape = data.imageShape
      let config = ConvNetConfig(
        channels: shape[0], height: shape[1], width: shape[2], classes: data.classCount,
        depth: try args.int("depth"), netWidth: try args.int("width"),
        norm: try args.choice("norm", as: NormKind.self),
        pooling: try args.choice("pool", as: PoolKind.self))
      do { try config.validate() } catch { throw args.invalid("depth", "\(error)") }
      try NetworkMemory.check(config, batch: 1, args, lower: "width")
      var rng = try context.randomStream()
      return .object(ModelObject(ConvNet(config, rng: &rng), origin: "convnet \(data.name)"))
    }
  }
}

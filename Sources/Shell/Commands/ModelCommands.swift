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
        D × [conv 3×3 → norm → ReLU → pool] → linear, PyTorch-default initialisation (SPEC §1).
        28×28 grayscale inputs get padding 3 in the first conv, as the DC code does: ConvNet-3
        width 128 then has 317,706 parameters (320,010 for 3×32×32). Without seed= the weights
        come from the next stream of the global seed.
        """,
      parameters: [
        .positional(
          "data", .oneOf([.object("data"), .object("dataset")]),
          doc: "the data whose image shape and classes the network takes"),
        .keyword("depth", .int, default: .int(3), doc: "conv blocks (3 for 28/32 px, 4 for 64, 5 for 128)"),
        .keyword("width", .int, default: .int(128), unit: "channels", doc: "channels per conv"),
        .keyword(
          "norm", .choice(NormKind.allCases.map(\.rawValue)), default: .string("instance"),
          doc: "normalisation layer"),
        .keyword(
          "pool", .choice(PoolKind.allCases.map(\.rawValue)), default: .string("avg"),
          doc: "pooling layer"),
        .keyword("seed", .int, doc: "initialisation seed"),
      ],
      example: "net = convnet fm depth=3 width=128 seed=0"
    ) { context in
      let args = context.arguments
      guard let data = args["data"]?.trainingDataset else { return .none }
      let shape = data.imageShape
      let config = ConvNetConfig(
        channels: shape[0], height: shape[1], width: shape[2], classes: data.classCount,
        depth: try args.int("depth"), netWidth: try args.int("width"),
        norm: NormKind(rawValue: try args.string("norm")) ?? .instance,
        pooling: PoolKind(rawValue: try args.string("pool")) ?? .avg)
      guard config.depth >= 1, config.depth <= 8 else { throw args.invalid("depth", "must be 1…8") }
      guard config.netWidth >= 1, config.netWidth <= 1024 else {
        throw args.invalid("width", "must be 1…1024")
      }
      do { try config.validate() } catch { throw args.invalid("depth", "\(error)") }
      var rng = try context.randomStream()
      return .object(ModelObject(ConvNet(config, rng: &rng), origin: "convnet \(data.name)"))
    }
  }
}

/// Methods of dataset values: `fm.train.sample per_class=10 seed=1`.
enum DatasetMethods {
  static var commands: [Command] { [sample, split] }

  static func receiver(_ context: CommandContext) -> Dataset? {
    context.receiver?.object(as: DatasetObject.self)?.dataset
  }

  static var sample: Command {
    Command(
      name: "sample", family: .data,
      summary: "A random subset with the same number of images of every class.",
      discussion: "Images are grouped by class, as distillation code expects.",
      parameters: [
        .keyword("per_class", .int, default: .int(10), unit: "images/class", doc: "images per class"),
        .keyword("seed", .int, doc: "sampling seed"),
      ],
      example: "sub = fm.train.sample per_class=10 seed=1"
    ) { context in
      guard let data = receiver(context) else { return .none }
      let perClass = try context.arguments.int("per_class")
      guard perClass >= 1 else { throw context.arguments.invalid("per_class", "must be ≥ 1") }
      var rng = try context.randomStream()
      do {
        var sample = try data.samplePerClass(perClass, rng: &rng)
        sample.name = "\(data.name)[\(perClass)/class]"
        return .object(DatasetObject(sample))
      } catch {
        throw context.arguments.invalid("per_class", "\(error)")
      }
    }
  }

  static var split: Command {
    Command(
      name: "split", family: .data,
      summary: "Splits each class: the first fraction and the rest (e.g. train / validation).",
      parameters: [
        .keyword("fraction", .float, default: .float(0.9), doc: "share of each class in the first part"),
        .keyword("seed", .int, doc: "shuffling seed"),
      ],
      example: "parts = fm.train.split fraction=0.9 seed=0"
    ) { context in
      guard let data = receiver(context) else { return .none }
      let fraction = try context.arguments.float("fraction")
      var rng = try context.randomStream()
      do {
        let (first, second) = try data.splitPerClass(fraction: fraction, rng: &rng)
        return .list([.object(DatasetObject(first)), .object(DatasetObject(second))])
      } catch {
        throw context.arguments.invalid("fraction", "\(error)")
      }
    }
  }
}

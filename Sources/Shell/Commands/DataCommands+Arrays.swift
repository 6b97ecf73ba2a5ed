import Datasets
import Foundation
import TensorCore

extension DataCommands {
  /// Class counts above this are refused: a stray huge label must not allocate its names.
  static let maximumClasses = Dataset.maximumClasses

  static var dataset: Command {
    Command(
      name: "dataset", family: .data,
      summary: "Builds a dataset from arrays: images and labels as tensors or .npy files.",
      discussion: """
        images are [N, C, H, W], or [N, H, W] for one channel: a tensor, a .npy file, or a
        .npz holding `images` and `labels` (labels may then be omitted). Channels-last
        arrays must be transposed first (numpy: x.transpose(0, 3, 1, 2)); uint8 files are
        pixels and are divided by 255. labels are N whole numbers (tensor, list or .npy, int
        or float) or one-hot rows [N, K]. classes= gives K or the K class names; by default K
        is the one-hot width or the largest label + 1. mean= and std= (one number, or one
        per channel) are the normalisation the images already carry: `show` undoes it and
        `save` records it. With normalize=true they are applied instead, (x − mean) / std,
        to raw images in [0, 1].
        """,
      parameters: [
        .positional(
          "images", .oneOf([.tensor, .path]),
          doc: "[N, C, H, W] or [N, H, W]: tensor, .npy or .npz"),
        .positional(
          "labels", Arguments.arrayType, optional: true,
          bounds: .classIndex, doc: "N labels or one-hot [N, K]: tensor, list or .npy",
          completion: Arguments.arrayCompletion),
        .keyword(
          "classes", .oneOf([.int, .list(.string)]),
          bounds: .classCount,
          doc: "the class count K or K names"),
        .keyword(
          "mean", .oneOf([.float, .list(.float)]),
          bounds: .any, doc: "per-channel mean (a number: every channel)"),
        .keyword(
          "std", .oneOf([.float, .list(.float)]), bounds: .positive,
          doc: "per-channel std, each > 0"),
        .keyword("name", .string, doc: "name in messages (default: the file's, else \"dataset\")"),
        .keyword(
          "normalize", .bool, default: .bool(false),
          doc: "apply mean/std to raw images instead of recording them"),
      ],
      example: "d = dataset \"x.npy\" \"y.npy\" classes=[\"cat\", \"dog\"] mean=0.5 std=0.25",
      exampleNeedsFiles: true
    ) { context in
      .object(DatasetObject(try makeDataset(context.arguments)))
    }
  }

  private static func makeDataset(_ args: Arguments) throws -> Dataset {
    let source = try imageSource(args)
    var images = try reporting("images", args) { try Dataset.images(from: source.images) }
    guard images.shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
      throw args.invalid("images", "images \(images.shape) are empty: C, H and W must be ≥ 1")
    }
    let labelArray = args.isGiven("labels") ? try args.array("labels") : source.labels
    guard let labelArray else {
      throw ShellError.missingArgument(command: args.commandName, parameter: "labels")
    }
    let (labels, width) = try reporting("labels", args) { try Dataset.labels(from: labelArray) }
    guard labels.count == images.shape[0] else {
      throw args.invalid("labels", "\(labels.count) labels for \(images.shape[0]) images")
    }
    let names = try classNames(args, labels: labels, oneHotWidth: width)
    let normalization = try normalization(args, channels: images.shape[1])
    if try args.bool("normalize"), let normalization {
      images = try reporting("normalize", args) { try normalization.normalize(images) }
    }
    let name = args.isGiven("name") ? try args.string("name") : source.name ?? "dataset"
    return try reporting("labels", args) {
      try Dataset(
        name: name, images: images, labels: labels, classCount: names.count, classNames: names,
        normalization: normalization)
    }
  }

  /// The images argument's array, the labels a .npz brings along, and the file's base name.
  private static func imageSource(_ args: Arguments) throws -> (
    images: NPYArray, labels: NPYArray?, name: String?
  ) {
    guard case .string(let path) = args["images"] else {
      return (try args.array("images"), nil, nil)
    }
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    guard path.hasSuffix(".npz") else { return (try args.array("images"), nil, name) }
    return try reporting("images", args) {
      let archive = try NPZ.read(path)
      return (try archive.array(named: "images"), archive["labels"], name)
    }
  }

  /// K names from classes= (a count or the names), else "0", "1", … for the one-hot width or
  /// the largest label + 1.
  private static func classNames(_ args: Arguments, labels: [Int], oneHotWidth: Int?) throws
    -> [String]
  {
    switch args["classes"] {
    case .int(let count):
      guard (1...maximumClasses).contains(count) else {
        throw args.invalid("classes", "must be 1…\(maximumClasses)")
      }
      return (0..<count).map(String.init)
    case .list(let items):
      let names = items.compactMap { item -> String? in
        if case .string(let text) = item { return text } else { return nil }
      }
      guard !names.isEmpty else { throw args.invalid("classes", "needs at least one name") }
      if let repeated = names.indices.first(where: { names[..<$0].contains(names[$0]) }) {
        throw args.invalid("classes", "'\(names[repeated])' is listed twice")
      }
      return names
    default:
      guard let count = oneHotWidth ?? Dataset.impliedClassCount(labels),
        count <= maximumClasses
      else {
        let largest = oneHotWidth.map { "\($0) classes" } ?? "label \(labels.max() ?? 0)"
        throw args.invalid("labels", "\(largest): at most \(maximumClasses) classes, labels ≥ 0")
      }
      return (0..<max(count, 1)).map(String.init)
    }
  }

  /// The normalisation from mean= and std= (a missing one is 0 or 1 on every channel); nil
  /// when neither is given.
  private static func normalization(_ args: Arguments, channels: Int) throws -> Normalization? {
    guard args.isGiven("mean") || args.isGiven("std") else {
      guard try !args.bool("normalize") else {
        throw args.invalid("normalize", "needs mean= and std=, the constants to apply")
      }
      return nil
    }
    let mean = try perChannel("mean", args, channels: channels, default: 0)
    let std = try perChannel("std", args, channels: channels, default: 1)
    if let bad = std.first(where: { !($0 > 0 && $0.isFinite) }) {
      throw args.invalid("std", "must be > 0, found \(bad)")
    }
    return try reporting("std", args) { try Normalization(mean: mean, std: std) }
  }

  /// One value per channel: a number repeated, or a list of exactly `channels` numbers.
  private static func perChannel(
    _ name: String, _ args: Arguments, channels: Int, default value: Float
  ) throws -> [Float] {
    guard args.isGiven(name) else { return [Float](repeating: value, count: channels) }
    let numbers = try args.floats(name).map { Float($0) }
    if args[name]?.number != nil { return [Float](repeating: numbers[0], count: channels) }
    guard numbers.count == channels else {
      throw args.invalid(
        name, "\(numbers.count) values for \(channels) channel\(channels == 1 ? "" : "s")")
    }
    return numbers
  }

  /// Runs `body`, turning an engine error into one shown at the argument `name`.
  private static func reporting<T>(_ name: String, _ args: Arguments, _ body: () throws -> T)
    throws -> T
  {
    do {
      return try body()
    } catch let error as ShellError {
      throw error
    } catch {
      throw args.invalid(name, "\(error)")
    }
  }
}

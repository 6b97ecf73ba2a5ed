import Datasets

extension ImageShift: ShellChoice {}

/// Methods of dataset values: `fm.train.sample per_class=10 seed=1`, `fm.train.take idx`,
/// `fm.train.classes [0, 3]`.
enum DatasetMethods {
  static var commands: [Command] { [sample, split, take, classes, shift] }

  static func receiver(_ context: CommandContext) -> Dataset? {
    context.receiver?.object(as: DatasetObject.self)?.dataset
  }

  static var sample: Command {
    Command(
      name: "sample", family: .data,
      summary: "A random subset with the same number of images of every class.",
      discussion: "Images are grouped by class, as distillation code expects.",
      parameters: [
        .keyword(
          "per_class", .int, default: .int(10), bounds: .perClass, unit: "images/class",
          doc: "images per class"),
        .keyword("seed", .int, bounds: .seed, doc: "sampling seed"),
      ],
      example: "sub = fm.train.sample per_class=10 seed=1"
    ) { context in
      guard let data = receiver(context) else { return .none }
      let perClass = try context.arguments.int("per_class")
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

  static var shift: Command {
    Command(
      name: "shift", family: .data,
      summary: "The images under a covariate shift (negative, rotated, flipped): OOD inputs.",
      discussion: """
        Out-of-distribution inputs built from the dataset itself, for the paper's Fig. 2b:
        kind=invert maps each pixel p to 1 − p, rot90 rotates every image 90° counter-clockwise,
        vflip turns it upside down. Labels and normalisation stay, so accuracy still reads;
        compare max logits or max probabilities with `maxlogit net fm.test versus=(fm.test.shift)
        of=prob`. Held-out classes are the other kind of OOD set: train on `d.classes [...]`.
        """,
      parameters: [
        .keyword(
          "kind", .choice(of: ImageShift.self), default: .choice(ImageShift.invert),
          doc: "which shift")
      ],
      example: "ood = fm.test.shift kind=invert"
    ) { context in
      guard let data = receiver(context) else { return .none }
      let kind = try context.arguments.choice("kind", as: ImageShift.self)
      do { return .object(DatasetObject(try data.shifted(kind))) } catch {
        throw context.arguments.invalid("kind", "\(error)")
      }
    }
  }

  static var split: Command {
    Command(
      name: "split", family: .data,
      summary: "Splits each class: the first fraction and the rest (e.g. train / validation).",
      parameters: [
        .keyword(
          "fraction", .float, default: .float(0.9), bounds: .unitInterval,
          doc: "share of each class in the first part"),
        .keyword("seed", .int, bounds: .seed, doc: "shuffling seed"),
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

  static var take: Command {
    Command(
      name: "take", family: .data,
      summary: "The images at the given indices, in that order.",
      discussion: """
        Indices count from 0 and may repeat; they come from a tensor of whole numbers, a list
        or range of ints, or a .npy file of integers (np.save("idx.npy", idx)). Labels, class
        names and normalisation stay as they are.
        """,
      parameters: [
        .positional(
          "indices", Arguments.arrayType, bounds: .any,
          doc: "positions in the dataset: tensor, list or .npy",
          completion: Arguments.arrayCompletion)
      ],
      example: "first = fm.train.take 0:99"
    ) { context in
      guard let data = receiver(context) else { return .none }
      let indices = try context.arguments.integers("indices")
      do {
        var subset = try data.subset(indices)
        subset.name = "\(data.name)[take \(indices.count)]"
        return .object(DatasetObject(subset))
      } catch {
        throw context.arguments.invalid("indices", "\(error)")
      }
    }
  }

  static var classes: Command {
    Command(
      name: "classes", family: .data,
      summary: "The images of the listed classes, by label or name.",
      discussion: """
        Images keep their dataset order. relabel=false keeps the labels and the class count,
        so a network trained on every class evaluates the result (an out-of-distribution set,
        say); relabel=true numbers the kept classes 0, 1, … in the order listed, with their
        names. Without arguments, d.classes is the field holding the class names.
        """,
      parameters: [
        .positional(
          "classes", .oneOf([.int, .string, .list(.oneOf([.int, .string]))]),
          bounds: .any, doc: "labels (ints) or class names, e.g. [0, 3] or [\"Shirt\"]"),
        .keyword(
          "relabel", .bool, default: .bool(false),
          doc: "number the kept classes 0…m−1 in the order given"),
      ],
      example: "tops = fm.test.classes [\"T-shirt/top\", \"Shirt\"] relabel=true"
    ) { context in
      guard let data = receiver(context) else { return .none }
      let args = context.arguments
      let given = args["classes"] ?? .none
      let listed = given.elements ?? [given]
      let labels = try listed.map { try classLabel($0, in: data, args) }
      do {
        var subset = try data.selectingClasses(labels, relabel: try args.bool("relabel"))
        let names = labels.map { data.classNames[$0] }.joined(separator: ", ")
        subset.name = "\(data.name)[classes \(names)]"
        return .object(DatasetObject(subset))
      } catch {
        throw args.invalid("classes", "\(error)")
      }
    }
  }

  /// The label a `classes` item names: an int as it is, a string by class name.
  private static func classLabel(_ item: Value, in data: Dataset, _ args: Arguments) throws
    -> Int
  {
    switch item {
    case .int(let label):
      return label
    case .string(let name):
      if let label = data.classNames.firstIndex(of: name) { return label }
      let hint = Suggestions.closest(to: name, in: data.classNames).map {
        "; did you mean '\($0)'?"
      }
      throw args.invalid("classes", "\(data.name) has no class '\(name)'" + (hint ?? ""))
    default:
      throw args.invalid("classes", "expected ints or class names, found \(item.typeName)")
    }
  }
}

import Shell
import TensorCore

/// Stand-ins for engine objects and commands, registered exactly as the engine will register
/// its own: they exercise the ShellObject protocol, typed parameters, methods, progress and
/// interrupts without any training code.
final class FakeDataset: ShellObject {
  let name: String
  let count: Int
  init(name: String, count: Int) {
    self.name = name
    self.count = count
  }
  var typeName: String { "dataset" }
  var summary: String { "\(name): \(count) images, 10 classes" }
  var fieldNames: [String] { ["train", "test", "count", "name"] }
  func field(_ field: String) throws -> Value? {
    switch field {
    case "train": return .object(FakeDataset(name: name + " train", count: count * 6 / 7))
    case "test": return .object(FakeDataset(name: name + " test", count: count / 7))
    case "count": return .int(count)
    case "name": return .string(name)
    default: return nil
    }
  }
  var methods: [Command] { [FakeEngineCommands.sample] }
}

final class FakeModel: ShellObject {
  let depth: Int
  var epochsTrained = 0
  init(depth: Int) { self.depth = depth }
  var typeName: String { "model" }
  var summary: String { "convnet depth \(depth), trained \(epochsTrained) epochs" }
  var fieldNames: [String] { ["depth", "epochs"] }
  func field(_ name: String) throws -> Value? {
    switch name {
    case "depth": return .int(depth)
    case "epochs": return .int(epochsTrained)
    default: return nil
    }
  }
}

final class FakeResult: ShellObject {
  let accuracy: Double
  init(accuracy: Double) { self.accuracy = accuracy }
  var typeName: String { "result" }
  var summary: String { "accuracy \(accuracy)" }
  var display: String {
    TextTable([["metric", "value"], ["accuracy", "\(accuracy)"], ["ece", "0.05"]]).render()
  }
  var fieldNames: [String] { ["accuracy", "ece"] }
  func field(_ name: String) throws -> Value? {
    switch name {
    case "accuracy": return .float(accuracy)
    case "ece": return .float(0.05)
    default: return nil
    }
  }
}

enum FakeEngineCommands: CommandProvider {
  static var commands: [Command] { [load, convnet, train, eval] }

  static let datasetNames = ["mnist", "fashion-mnist", "cifar10"]

  static var load: Command {
    Command(
      name: "load", family: .data, summary: "Loads a dataset.",
      parameters: [
        .positional(
          "dataset", .oneOf([.choice(datasetNames), .path]), doc: "a dataset name or file")
      ],
      example: "fm = load fashion-mnist"
    ) { context in
      let name = try context.arguments.string("dataset")
      return .object(FakeDataset(name: name, count: 70))
    }
  }

  static var convnet: Command {
    Command(
      name: "convnet", family: .model, summary: "Makes a ConvNet.",
      parameters: [
        .positional("data", .object("dataset"), doc: "sets input shape and classes"),
        .keyword("depth", .int, default: .int(3), doc: "conv blocks"),
        .keyword("width", .int, default: .int(128), unit: "channels", doc: "filters per block"),
        .keyword("seed", .int, doc: "initialisation seed"),
      ],
      example: "net = convnet fm depth=3"
    ) { context in
      let depth = try context.arguments.int("depth")
      guard depth >= 1 else { throw context.arguments.invalid("depth", "must be at least 1") }
      return .object(FakeModel(depth: depth))
    }
  }

  static var train: Command {
    Command(
      name: "train", family: .train, summary: "Trains a model.",
      parameters: [
        .positional("model", .object("model"), doc: "the network"),
        .positional("data", .object("dataset"), doc: "training data"),
        .keyword("epochs", .int, default: .int(1), unit: "epochs", doc: "passes over data"),
        .keyword("lr", .float, default: .float(0.01), doc: "learning rate"),
        .keyword("optimizer", .choice(["sgd", "adam"]), default: .string("sgd"), doc: "update"),
        .keyword("interrupt_at", .int, default: .int(-1), doc: "test hook: simulate Ctrl-C"),
      ],
      example: "train net fm.train epochs=5 lr=0.01"
    ) { context in
      let model = try context.arguments.object("model", as: FakeModel.self)
      let epochs = try context.arguments.int("epochs")
      let interruptAt = try context.arguments.int("interrupt_at")
      let progress = context.progress("train", total: epochs * 10)
      for epoch in 1...max(1, epochs) {
        for step in 1...10 {
          if (epoch - 1) * 10 + step == interruptAt { Interrupt.request() }
          try context.checkInterrupt(at: "epoch \(epoch), step \(step)")
          progress.advance()
        }
        model.epochsTrained += 1
      }
      progress.finish()
      context.output.line("trained \(epochs) epochs")
      return .none
    }
  }

  static var eval: Command {
    Command(
      name: "eval", family: .train, summary: "Evaluates a model.",
      parameters: [
        .positional("model", .object("model"), doc: "the network"),
        .positional("data", .object("dataset"), doc: "test data"),
      ],
      example: "r = eval net fm.test"
    ) { context in
      let model = try context.arguments.object("model", as: FakeModel.self)
      let result = FakeResult(accuracy: 0.5 + 0.1 * Double(model.epochsTrained))
      context.output.write(result.display)
      return .object(result)
    }
  }

  static var sample: Command {
    Command(
      name: "sample", family: .data, summary: "A class-balanced subset.",
      parameters: [
        .keyword("per_class", .int, default: .int(10), unit: "images/class", doc: "size"),
        .keyword("seed", .int, doc: "sampling seed"),
      ],
      example: "sub = fm.train.sample per_class=10"
    ) { context in
      guard let data = context.receiver?.object(as: FakeDataset.self) else { return .none }
      let perClass = try context.arguments.int("per_class")
      var stream = try context.randomStream()
      _ = stream.nextDouble()
      return .object(FakeDataset(name: data.name + " sample", count: perClass * 10))
    }
  }
}

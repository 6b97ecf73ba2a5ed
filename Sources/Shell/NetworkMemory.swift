import NN

/// Memory estimates for ConvNets, checked against `MemoryBudget` before a command builds or
/// trains one.
enum NetworkMemory {
  /// Bytes to train a network of `config` on minibatches of `batch` images: the weights,
  /// their gradients and momentum (three copies of the parameters), plus every block's
  /// activations and their gradients per image (`ConvNetConfig.activationsPerImage`). An
  /// upper estimate; nil when it overflows. `config` must be validated.
  static func trainingBytes(_ config: ConvNetConfig, batch: Int) -> Int? {
    MemoryBudget.sum(
      MemoryBudget.product(config.parameterCount, 3, MemoryLayout<Float>.stride),
      MemoryBudget.product(batch, config.activationsPerImage, MemoryLayout<Float>.stride))
  }

  /// Throws, at the argument `lower`, when training `config` at `batch` would exceed the
  /// budget; `extra` adds what else the command holds (a synthetic set, unrolled steps).
  static func check(
    _ config: ConvNetConfig, batch: Int, extra: Int? = 0, _ args: Arguments, lower: String
  ) throws {
    let bytes = MemoryBudget.sum(trainingBytes(config, batch: batch), extra)
    do {
      try MemoryBudget.check(bytes, for: "'\(args.commandName)'", lower: lower)
    } catch let error as ShellError {
      throw args.failure(error, at: lower)
    }
  }
}

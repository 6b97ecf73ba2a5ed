import Datasets
import Foundation
import NN
import TensorCore

/// Loading and saving data, models and tensors.
public enum DataCommands: CommandProvider {
  public static var commands: [Command] { [load, dataset, save, zca] }

  static var load: Command {
    Command(
      name: "load", family: .data,
      summary: "Loads a dataset, a saved model, predictions or a .npy/.npz file.",
      discussion: """
        fashion-mnist reads Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
        or path=); cifar10 and cifar100 read the binary batches under path=. Images are
        normalised with the reference constants (docs/ALGORITHMS.md §13.1). A .npz written by `save`
        comes back as what was saved (model or dataset).

        Any .npz holding `images` (float [N, C, H, W]) and `labels` (integers [N]) loads as a
        dataset named after the file, the images as stored: np.savez("d.npz", images=x,
        labels=y). Optional members: `ddcal.classes` (uint8: the class names joined by
        newlines, one per class; else "0", "1", … up to the largest label), and `ddcal.mean`
        with `ddcal.std` (float [C] each: the normalisation the images already carry, which
        `show` undoes and `save` keeps; else none). Any .npz holding `logits` (float32 or
        float64 [N, K]) and `labels` loads as predictions, with an optional `temperature`
        [1]: np.savez("p.npz", logits=z, labels=y). Other .npz/.npy files load as tensors
        (float64 rounded to float32); the `dataset` and `predictions` commands build values
        from arrays in other forms (and keep float64 logits in double precision).
        """,
      parameters: [
        .positional(
          "source", .oneOf([.choice(of: BuiltinDataset.self), .path]),
          doc: "fashion-mnist, cifar10, cifar100, or a file path"),
        .keyword("path", .path, doc: "directory holding the dataset files"),
      ],
      example: "fm = load fashion-mnist"
    ) { context in
      let source = try context.arguments.string("source")
      let directory = context.arguments.isGiven("path") ? try context.arguments.string("path") : nil
      do {
        return try loadSource(source, directory: directory)
      } catch let error as ShellError {
        throw error
      } catch {
        throw context.arguments.invalid("source", "\(error)")
      }
    }
  }

  /// A built-in dataset by name, else the file at `source`.
  static func loadSource(_ source: String, directory: String?) throws -> Value {
    guard let builtin = BuiltinDataset(rawValue: source) else {
      return try Archive.load(path: source)
    }
    let (train, test): (Dataset, Dataset)
    switch builtin {
    case .fashionMNIST:
      (train, test) = try FashionMNIST.load(directory: directory ?? FashionMNIST.defaultDirectory)
    case .cifar10, .cifar100:
      guard let directory else {
        throw ShellError.failed("\(source) needs path= (the folder with the binary batches)")
      }
      (train, test) =
        builtin == .cifar10
        ? try CIFAR10.load(directory: directory) : try CIFAR100.load(directory: directory)
    }
    return .object(DataSplitsObject(name: source, train: train, test: test))
  }

  static var save: Command {
    Command(
      name: "save", family: .data,
      summary: "Saves a model, dataset, predictions, table or tensor (.npz/.npy/.csv).",
      discussion: """
        Models keep their parameter names, architecture and temperature (float64); datasets
        their images, labels and class names; predictions their logits (float64), labels and
        temperature. Tables — training histories, sweeps, metric reports — save as .csv (a
        header row, numbers with the digits that read back exactly) or .npz (one member per
        column). numpy reads every file (np.load), pandas the CSVs. Writes are atomic: a
        crash never leaves a half-written file. Only a regular file is ever replaced: a
        device such as /dev/null, a fifo or a directory is refused with an error (the device
        stays as it was); a symbolic link to a file has its target replaced.
        """,
      parameters: [
        .positional("value", .any, doc: "what to save"),
        .positional("path", .path, doc: "destination (.npz; .npy for a tensor; .csv for a table)"),
      ],
      example: "save net \"net.npz\"", exampleNeedsFiles: true
    ) { context in
      let path = try context.arguments.string("path")
      guard let value = context.arguments["value"] else { return .none }
      do {
        try Archive.save(value, to: path)
      } catch let error as ShellError {
        throw context.arguments.failure(error, at: "path")
      } catch {
        throw context.arguments.invalid("path", "\(error)")
      }
      context.output.line("saved \(value.typeName) to \(path)")
      return .none
    }
  }
}

import Datasets

/// Which half of a train/test pair a command uses when given the pair.
public enum DataSplit: Sendable {
  case train, test
}

extension Arguments {
  /// The images given as `name`: a dataset, or the `split` half of a train/test pair.
  /// - Throws: an error at the argument when it is absent or holds something else (binding
  ///   has checked the declared type, so that is a registry mistake).
  public func dataset(_ name: String, split: DataSplit = .train) throws -> Dataset {
    if let object = self[name]?.object(as: DatasetObject.self) { return object.dataset }
    if let pair = self[name]?.object(as: DataSplitsObject.self) {
      return split == .train ? pair.train : pair.test
    }
    guard let value = self[name] else {
      throw ShellError.missingArgument(command: commandName, parameter: name)
    }
    throw invalid(name, "expected a dataset or a train/test pair, got \(value.typeName)")
  }

  /// The images given as `name`, or nil when the optional argument was omitted.
  public func optionalDataset(_ name: String, split: DataSplit = .train) throws -> Dataset? {
    self[name] == nil ? nil : try dataset(name, split: split)
  }
}

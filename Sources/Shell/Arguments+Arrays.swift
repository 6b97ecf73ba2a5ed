import Datasets
import TensorCore

/// Arguments that hold arrays: a tensor, a list of ints, or the path of a .npy file.
extension Arguments {
  /// The parameter type of such an argument.
  static let arrayType = ValueType.oneOf([.tensor, .list(.int), .path])
  /// What Tab offers for such an argument: tensor, list and range variables, and files.
  static let arrayCompletion = CompletionHint.combined([
    .variablesOfType(["tensor", "list", "range"]), .filePath,
  ])

  /// The argument as an array: a tensor as float32, a list of ints as int64 [n], a path as
  /// the array its .npy file holds.
  /// - Throws: `ShellError.invalidArgument` at the argument when the file cannot be read.
  func array(_ name: String) throws -> NPYArray {
    switch self[name] {
    case .tensor(let array):
      return NPYArray(array)
    case .string(let path):
      guard !path.hasSuffix(".npz") else {
        throw invalid(name, "\(path) is a .npz archive; load it and pass one of its arrays")
      }
      do {
        return try NPY.read(path)
      } catch {
        throw invalid(name, "\(error)")
      }
    default:
      let numbers = try list(name).compactMap { item -> Int? in
        if case .int(let number) = item { return number } else { return nil }
      }
      do {
        return try NPYArray(int64: numbers, shape: [numbers.count])
      } catch {
        throw invalid(name, "\(error)")
      }
    }
  }

  /// The argument's array as integers [n] (indices, labels): floats must be whole numbers.
  /// - Throws: `ShellError.invalidArgument` at the argument naming the first bad position.
  func integers(_ name: String) throws -> [Int] {
    let array = try array(name)
    do {
      return try Dataset.wholeNumbers(from: array)
    } catch {
      throw invalid(name, "\(error)")
    }
  }
}

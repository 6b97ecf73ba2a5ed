import TensorCore

/// Dataset parts from plain arrays as numpy holds them (`np.save`): images [N, C, H, W] or
/// [N, H, W], labels as integers [N] or one-hot rows [N, K], indices as integers [N].
extension Dataset {
  /// The image layouts `images(from:)` takes, with the numpy fix for channels-last arrays.
  static let imageLayouts =
    "[N, C, H, W] or [N, H, W] (numpy: x.transpose(0, 3, 1, 2) turns [N, H, W, C] into "
    + "[N, C, H, W])"

  /// Images [N, C, H, W] from an array in that layout, or [N, H, W] as one channel.
  ///
  /// uint8 arrays hold 8-bit pixels and are divided by 255, to [0, 1] (torchvision's
  /// `ToTensor`); other element types are taken as they are.
  ///
  /// NOTE: a rank-4 array with square axes 1 and 2 of more than 4 and a last axis of at most
  /// 4 ([N, 28, 28, 3]) is taken for channels-last and refused, not read as 28 channels of
  /// 28×3 images.
  /// - Parameter array: [N, C, H, W] or [N, H, W].
  /// - Returns: [N, C, H, W] (C = 1 for [N, H, W]).
  /// - Throws: `DatasetError.badLayout` for another rank or a channels-last array.
  public static func images(from array: NPYArray) throws -> NDArray {
    let shape = array.shape
    var values = array.toNDArray().data
    if array.descr == "|u1" { values = values.map { $0 / 255 } }
    switch shape.count {
    case 3:
      return NDArray(shape: [shape[0], 1, shape[1], shape[2]], data: values)
    case 4 where shape[3] <= 4 && shape[1] > 4 && shape[1] == shape[2]:
      throw DatasetError.badLayout(
        shape: shape, expected: imageLayouts + "; this one looks channels-last")
    case 4:
      return NDArray(shape: shape, data: values)
    default:
      throw DatasetError.badLayout(shape: shape, expected: imageLayouts)
    }
  }

  /// Class labels from integers [N], floats holding whole numbers [N], or one-hot rows
  /// [N, K] (the column of each row's single 1).
  /// - Parameter array: [N] or [N, K].
  /// - Returns: The N labels, and K when the rows were one-hot (nil otherwise).
  /// - Throws: `DatasetError.notWholeNumber` or `.notOneHot` naming the first bad position or
  ///   row, `.badLayout` for another rank.
  public static func labels(from array: NPYArray) throws -> (labels: [Int], classCount: Int?) {
    switch array.shape.count {
    case 1:
      return (try wholeNumbers(from: array), nil)
    case 2:
      return (try oneHotLabels(array.toNDArray()), array.shape[1])
    default:
      throw DatasetError.badLayout(
        shape: array.shape, expected: "labels [N] or one-hot rows [N, K]")
    }
  }

  /// Integers from an array of rank 0 or 1: integer arrays as they are, float arrays only
  /// when every element is a whole number (labels or indices held in a float tensor).
  /// - Throws: `DatasetError.notWholeNumber` naming the first position that is not,
  ///   `.badLayout` for rank 2 and above.
  public static func wholeNumbers(from array: NPYArray) throws -> [Int] {
    guard array.shape.count <= 1 else {
      throw DatasetError.badLayout(shape: array.shape, expected: "a list of integers [N]")
    }
    if let integers = array.integers { return integers }
    return try array.toNDArray().data.enumerated().map { position, value in
      guard let number = Int(exactly: value) else {
        throw DatasetError.notWholeNumber(position: position, value: value)
      }
      return number
    }
  }

  /// The column of the single 1 in each row of `rows` [N, K].
  static func oneHotLabels(_ rows: NDArray) throws -> [Int] {
    let width = rows.shape[1]
    let values = rows.data
    return try (0..<rows.shape[0]).map { row in
      let entries = values[(row * width)..<((row + 1) * width)]
      let ones = entries.filter { $0 == 1 }.count
      guard ones == 1, entries.allSatisfy({ $0 == 0 || $0 == 1 }),
        let hot = entries.firstIndex(of: 1)
      else { throw DatasetError.notOneHot(row: row) }
      return hot - row * width
    }
  }
}

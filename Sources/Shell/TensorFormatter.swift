import Foundation
import TensorCore

/// Prints NDArrays: nested brackets for small arrays (numpy style), statistics for big ones.
enum TensorFormatter {
  /// Arrays with more elements than this print as shape plus min/mean/max.
  static let elementLimit = 100

  /// `tensor [2, 3]`.
  static func brief(_ array: NDArray) -> String {
    "tensor \(array.shape)"
  }

  /// The header line, then the elements or a summary.
  static func display(_ array: NDArray) -> String {
    if array.rank == 0 { return "tensor [] \(element(array.data[0]))" }
    guard array.count <= elementLimit, array.count > 0 else {
      return brief(array) + statistics(array)
    }
    let texts = array.data.map(element)
    let width = texts.map(\.count).max() ?? 1
    let padded = texts.map { String(repeating: " ", count: width - $0.count) + $0 }
    var lines: [String] = []
    nest(padded, shape: array.shape, axis: 0, start: 0, indent: "", into: &lines)
    return brief(array) + "\n" + lines.joined(separator: "\n")
  }

  /// `  min 0 · mean 0.286 · max 1` (empty for an empty array).
  private static func statistics(_ array: NDArray) -> String {
    guard let low = array.data.min(), let high = array.data.max() else { return "" }
    let mean = array.data.reduce(0.0) { $0 + Double($1) } / Double(array.count)
    return "  min \(element(low)) · mean \(element(Float(mean))) · max \(element(high))"
  }

  /// Appends the lines for the sub-array at `start` spanning axes `axis...`.
  private static func nest(
    _ texts: [String], shape: [Int], axis: Int, start: Int, indent: String,
    into lines: inout [String]
  ) {
    let stride = shape[(axis + 1)...].reduce(1, *)
    if axis == shape.count - 1 {
      let row = texts[start..<(start + shape[axis])].joined(separator: ", ")
      lines.append(indent + "[" + row + "]")
      return
    }
    let first = lines.count
    for i in 0..<shape[axis] {
      nest(
        texts, shape: shape, axis: axis + 1, start: start + i * stride, indent: indent + " ",
        into: &lines)
      if i < shape[axis] - 1 { lines[lines.count - 1] += "," }
    }
    guard lines.count > first else {
      lines.append(indent + "[]")
      return
    }
    // The first child's indent becomes this level's "[", the last child gets the "]".
    lines[first] = indent + "[" + lines[first].dropFirst(indent.count + 1)
    lines[lines.count - 1] += "]"
  }

  /// One element with 4 significant digits.
  static func element(_ value: Float) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return String(format: "%.4g", Double(value))
  }
}

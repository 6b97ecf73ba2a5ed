import TensorCore

/// Subsets by class. Subsets by index are `subset(_:)`.
extension Dataset {
  /// The examples of the listed classes, in dataset order.
  ///
  /// With `relabel` false the labels, class count and names stay as they are and the other
  /// classes are simply empty, so a network trained on every class still evaluates the
  /// result (an out-of-distribution set, say). With `relabel` true the kept classes become
  /// 0, 1, …, m − 1 in the order listed, with their names, and the class count becomes m.
  /// - Parameters:
  ///   - classes: At least one label in `0..<classCount`, none twice.
  ///   - relabel: Renumbers the kept classes in the order of `classes`.
  /// - Throws: `DatasetError.invalidArgument` for an empty list, or a label out of range or
  ///   listed twice (naming its position in `classes`).
  public func selectingClasses(_ classes: [Int], relabel: Bool = false) throws -> Dataset {
    try checkClasses(classes)
    var newLabels = [Int?](repeating: nil, count: classCount)
    for (position, label) in classes.enumerated() { newLabels[label] = position }
    let kept = labels.indices.filter { newLabels[labels[$0]] != nil }
    let subset = gathering(kept)
    guard relabel else { return subset }
    return Dataset(
      unchecked: name, images: subset.images,
      labels: subset.labels.map { newLabels[$0] ?? 0 }, classCount: classes.count,
      classNames: classes.map { classNames[$0] }, normalization: normalization)
  }

  private func checkClasses(_ classes: [Int]) throws {
    guard !classes.isEmpty else {
      throw DatasetError.invalidArgument(
        op: name, argument: "classes", value: "empty", expected: "at least one class")
    }
    var seen = Set<Int>()
    for (position, label) in classes.enumerated() {
      guard (0..<classCount).contains(label) else {
        throw DatasetError.invalidArgument(
          op: name, argument: "classes[\(position)]", value: "\(label)",
          expected: "a label in 0..<\(classCount)")
      }
      guard seen.insert(label).inserted else {
        throw DatasetError.invalidArgument(
          op: name, argument: "classes[\(position)]", value: "\(label)",
          expected: "a class not listed before")
      }
    }
  }
}

import TensorCore

/// The .npz layout of a dataset, readable with numpy: `images` float32 [N, C, H, W], `labels`
/// int64 [N], `ddcal.classes` uint8 (class names joined by newlines), `ddcal.mean` and
/// `ddcal.std` float32 [C] (the normalisation already applied to `images`).
extension Dataset {
  /// The members that `init(npz:name:)` reads back.
  public func npzMembers() throws -> [(String, NPYArray)] {
    let names = Array(classNames.joined(separator: "\n").utf8)
    let channels = normalization.channels
    return [
      ("images", NPYArray(images)),
      ("labels", try NPYArray(int64: labels, shape: [count])),
      ("ddcal.classes", try NPYArray(uint8: names, shape: [names.count])),
      ("ddcal.mean", NPYArray(NDArray(shape: [channels], data: normalization.mean))),
      ("ddcal.std", NPYArray(NDArray(shape: [channels], data: normalization.std))),
    ]
  }

  /// A dataset from an archive holding at least `images` and integer `labels`; the class
  /// count is the number of stored names, or the largest label + 1.
  public init(npz archive: NPZArchive, name: String) throws {
    let images = try archive.array(named: "images")
    guard let pixels = images.float32Array else {
      throw DatasetError.invalidArgument(
        op: archive.path, argument: "images", value: images.descr, expected: "float32")
    }
    guard let labels = try archive.array(named: "labels").integers else {
      throw DatasetError.invalidArgument(
        op: archive.path, argument: "labels", value: "float", expected: "integers")
    }
    var names: [String] = []
    if case .uint8(let bytes)? = archive["ddcal.classes"]?.elements {
      names = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
    guard let implied = Dataset.impliedClassCount(labels) else {
      let index = labels.firstIndex { !(0..<Dataset.maximumClasses).contains($0) } ?? 0
      throw DatasetError.invalidLabel(
        dataset: name, index: index, label: labels[index], classCount: Dataset.maximumClasses)
    }
    let classCount = max(names.count, implied)
    var normalization: Normalization? = nil
    if let mean = archive["ddcal.mean"]?.float32Array, let std = archive["ddcal.std"]?.float32Array
    {
      normalization = try Normalization(mean: mean.data, std: std.data)
    }
    try self.init(
      name: name, images: pixels, labels: labels, classCount: classCount,
      classNames: names.count == classCount ? names : [], normalization: normalization)
  }
}

/// Why a distillation run or one of its files failed.
public enum DistillationError: Error, Equatable, CustomStringConvertible {
  /// An option is out of range or inconsistent with the data: which one, and why.
  case invalidOption(DistillationField, String)
  /// The loss or the image gradient became NaN or infinite.
  case nonFinite(what: String, iteration: Int)
  /// The stop check asked to stop; the state holds the last completed iteration.
  case interrupted(iteration: Int)
  /// A checkpoint, synthetic set or expert file is malformed.
  case malformedFile(path: String, message: String)

  public var description: String {
    switch self {
    case .invalidOption(_, let message): return message
    case .nonFinite(let what, let iteration):
      return "\(what) became NaN or infinite at iteration \(iteration + 1)"
    case .interrupted(let iteration): return "interrupted after iteration \(iteration)"
    case .malformedFile(let path, let message): return "\(path): \(message)"
    }
  }
}

/// The setting a `DistillationError.invalidOption` is about, so a caller can point at the
/// argument that set it without reading the message.
public enum DistillationField: String, Sendable, CaseIterable {
  case imagesPerClass, iterations, imageLearningRate, imageMomentum, realBatch
  case outerLoop, innerLoop, syntheticSteps, expertEpochs, maxStartEpoch, syntheticBatch
  case studentChunk, checkpointEvery, checkpointPath, mask, augmentation
  /// RTP's memory: number of bases, their downsampling factor, the inner momentum.
  case bases, downsample, innerMomentum, initialization
  /// The network does not fit the data.
  case network
  /// Expert trajectories are missing or do not fit.
  case experts
  /// A saved set's or checkpoint's settings lines.
  case settings
  /// EDD's own settings (`EDDOptions`).
  case poolEpochs, poolModels, perturbation, networkImages
}

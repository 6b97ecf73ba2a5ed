import Datasets
import NN
import TensorCore
import Training

/// Three classes of 1×8×8 images, each a bright 3×3 blob at its own place plus Gaussian noise;
/// a depth-1, width-4 ConvNet learns them in a few epochs.
enum ToyProblem {
  static let classes = 3
  static let blobCorners = [(1, 1), (4, 4), (1, 4)]

  /// `perClass` images of every class, grouped by class, with noise of the given std.
  static func dataset(perClass: Int, noise: Float, seed: UInt64, name: String = "toy") -> Dataset {
    var rng = RandomStream(seed: seed)
    let count = perClass * classes
    let noiseValues = rng.normal(count * 64, std: noise)
    var data = [Float](repeating: 0, count: count * 64)
    var labels: [Int] = []
    for i in 0..<count {
      let label = i / perClass
      labels.append(label)
      let (top, left) = blobCorners[label]
      for p in 0..<64 {
        let (y, x) = (p / 8, p % 8)
        let inBlob = (top..<(top + 3)).contains(y) && (left..<(left + 3)).contains(x)
        data[i * 64 + p] = (inBlob ? 1.0 : 0) + noiseValues[i * 64 + p]
      }
    }
    // The parts are consistent by construction.
    guard
      let dataset = try? Dataset(
        name: name, images: NDArray(shape: [count, 1, 8, 8], data: data), labels: labels,
        classCount: classes)
    else { preconditionFailure("toy dataset") }
    return dataset
  }

  /// An untrained depth-1 / width-4 ConvNet for the toy images.
  static func untrainedNet(seed: UInt64) -> ConvNet {
    var rng = RandomStream(seed: seed)
    return ConvNet(
      ConvNetConfig(channels: 1, height: 8, width: 8, classes: classes, depth: 1, netWidth: 4),
      rng: &rng)
  }

  /// A small "distilled-like" training set (10 per class), a noisier held-out validation set
  /// from the same source, and a noisier test set.
  static let train = dataset(perClass: 10, noise: 0.7, seed: 11, name: "toy/train")
  static let validation = dataset(perClass: 8, noise: 1.1, seed: 12, name: "toy/val")
  static let test = dataset(perClass: 40, noise: 1.1, seed: 13, name: "toy/test")

  /// A net trained on `train` until it fits it perfectly (shared by the tests; read only).
  nonisolated(unsafe) static let trained: ConvNet = {
    let net = untrainedNet(seed: 5)
    let options = TrainingOptions(
      epochs: 40, batchSize: 10, learningRate: 0.05, seed: 3)
    do {
      try Trainer(options: options).train(net, images: train.images, labels: train.labels)
    } catch {
      preconditionFailure("toy training failed: \(error)")
    }
    return net
  }()
}

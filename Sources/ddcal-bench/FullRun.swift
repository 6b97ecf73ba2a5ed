import Datasets
import Foundation
import NN
import TensorCore
import Training

/// The full-data Fashion-MNIST run of the Engine issue: ConvNet-3 (width 128, instance norm,
/// avg pool, first-conv padding 3) trained for `epochs` epochs with the reference recipe
/// (SGD momentum 0.9, weight decay 5e-4, batch 256, lr 0.01 ×0.1 late), then tested.
enum FullRun {
  static func fashionMNIST(epochs: Int, seed: UInt64) throws {
    let start = Date()
    let (train, test) = try FashionMNIST.load()
    var rng = RandomStream(seed: seed)
    let config = ConvNetConfig(channels: 1, height: 28, width: 28, classes: 10)
    let model = ConvNet(config, rng: &rng)
    let options = TrainingOptions(epochs: epochs, seed: seed)
    var lastPrint = Date.distantPast
    let records = try Trainer(options: options).train(
      model, images: train.images, labels: train.labels,
      progress: { p in
        guard Date().timeIntervalSince(lastPrint) > 30 else { return }
        lastPrint = Date()
        FileHandle.standardError.write(
          String(
            format: "epoch %d/%d step %d/%d loss %.4f acc %.4f %.0f img/s eta %.0f s\n",
            p.epoch + 1, p.epochs, p.step + 1, p.stepsPerEpoch, p.loss, p.accuracy,
            p.imagesPerSecond, p.secondsLeft
          ).data(using: .utf8)!)
      })
    for r in records {
      print(
        String(
          format: "epoch %d: loss %.4f train acc %.4f lr %.4g %.0f s %.0f img/s", r.epoch + 1,
          r.loss, r.accuracy, r.learningRate, r.seconds, r.imagesPerSecond))
    }
    let result = Evaluation.evaluate(model, images: test.images, labels: test.labels)
    print(
      String(
        format: "Fashion-MNIST test: accuracy %.4f, NLL %.4f (%d images); wall time %.0f s",
        result.accuracy, result.nll, test.count, Date().timeIntervalSince(start)))
  }
}

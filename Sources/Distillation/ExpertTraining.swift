import Autodiff
import Cluster
import Datasets
import Foundation
import NN
import Optim
import TensorCore
import Training

/// How MTT's experts are trained (MTT's buffer.py, docs/ALGORITHMS.md §7.1): plain SGD, lr 0.01,
/// momentum 0, weight decay 0, no decay, batch 256, per-sample DSA augmentation; a snapshot at
/// initialisation and after every epoch.
public struct ExpertOptions: Sendable, Equatable {
  public var count: Int
  public var epochs: Int
  public var learningRate: Float
  public var batchSize: Int
  public var augmentation: String
  public var network: ConvNetConfig
  public var seed: UInt64
  /// SGD momentum and weight decay: 0 for MTT's experts; EDD pretrains its early-stage models
  /// with 0.9 and 5e-4 (docs/ALGORITHMS.md §15.2).
  public var momentum: Float = 0
  public var weightDecay: Float = 0

  public init(
    count: Int, epochs: Int, network: ConvNetConfig, learningRate: Float = 0.01,
    batchSize: Int = 256, augmentation: String = DiffAugment.standardStrategy, seed: UInt64 = 0
  ) {
    self.count = count
    self.epochs = epochs
    self.network = network
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.augmentation = augmentation
    self.seed = seed
  }
}

/// Trains experts into a directory, skipping those already there (so an interrupted build
/// resumes at the next unfinished expert).
public enum ExpertTraining {
  /// Progress of one expert's epoch.
  public struct Progress: Sendable {
    public var expert: Int
    public var experts: Int
    public var training: TrainingProgress
  }

  /// Under mpirun, expert i is trained and written by rank i mod N (its seed depends on i
  /// only). With `gather`, every rank then receives the others' files and writes those it
  /// lacks, for machines that share no directory.
  /// - Returns: the buffer of all `options.count` experts in `directory`.
  /// - Throws: `TrainingError` (non-finite, interrupted) or file errors; finished experts stay.
  public static func train(
    _ options: ExpertOptions, data: Dataset, directory: String, gather: Bool = false,
    progress: ((Progress) -> Void)? = nil, shouldStop: (() -> Bool)? = nil
  ) throws -> ExpertBuffer {
    let augment = try DiffAugment(strategy: options.augmentation, parameters: .mtt)
    try WriteGuard.check(directory: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for expert in 0..<options.count where Distribution.owns(expert) {
      let path = ExpertBuffer.path(directory: directory, index: expert)
      if FileManager.default.fileExists(atPath: path) { continue }
      var rng = RandomStream(seed: options.seed, stream: UInt64(expert) + 1)
      let net = ConvNet(options.network, rng: &rng)
      var snapshots = [net.parameters.flattened.data]
      for epoch in 0..<options.epochs {
        let trainer = Trainer(
          options: TrainingOptions(
            epochs: 1, batchSize: options.batchSize, learningRate: options.learningRate,
            momentum: options.momentum, weightDecay: options.weightDecay, schedule: .constant,
            seed: options.seed &+ UInt64(expert) &* 1_000_003 &+ UInt64(epoch)),
          augment: augment.ops.isEmpty ? nil : { x, stream in augment(x, rng: &stream) })
        try trainer.train(
          net, images: data.images, labels: data.labels,
          progress: progress.map { report in
            { p in
              var p = p
              p.epoch = epoch
              p.epochs = options.epochs
              report(Progress(expert: expert, experts: options.count, training: p))
            }
          }, shouldStop: shouldStop)
        snapshots.append(net.parameters.flattened.data)
      }
      let trajectory = NDArray(
        shape: [options.epochs + 1, snapshots[0].count], data: snapshots.flatMap { $0 })
      try FileReplacement.writingOwnFiles {
        try ExpertBuffer.save(trajectory, network: options.network, to: path)
      }
    }
    if gather { try exchange(count: options.count, directory: directory) }
    // Every rank's experts are written before any rank reads the directory.
    Cluster.barrier()
    let buffer = try ExpertBuffer.load(directory: directory)
    guard buffer.count >= options.count else {
      throw DistillationError.malformedFile(
        path: directory,
        message: "holds \(buffer.count) of the \(options.count) experts"
          + (Cluster.isDistributed
            ? " on rank \(Cluster.rank): the ranks need a shared directory, or gather=true" : ""))
    }
    return buffer
  }

  /// Sends the files of this rank's experts to every rank; each writes those it lacks.
  private static func exchange(count: Int, directory: String) throws {
    guard Cluster.isDistributed else { return }
    var out = ByteWriter()
    for expert in 0..<count where Distribution.owns(expert) {
      let path = ExpertBuffer.path(directory: directory, index: expert)
      out.int(expert)
      out.blob([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }
    for part in Cluster.allgather(out.bytes) {
      var input = ByteReader(part)
      while !input.isAtEnd {
        let path = ExpertBuffer.path(directory: directory, index: input.int())
        let bytes = input.blob()
        guard !FileManager.default.fileExists(atPath: path) else { continue }
        try FileReplacement.writingOwnFiles {
          try FileReplacement.replace(
            path, failure: { DistillationError.malformedFile(path: path, message: $0) }
          ) { (temporary: String) throws(DistillationError) in
            do { try Data(bytes).write(to: URL(fileURLWithPath: temporary)) } catch {
              throw .malformedFile(path: path, message: "cannot write: \(error)")
            }
          }
        }
      }
    }
  }
}

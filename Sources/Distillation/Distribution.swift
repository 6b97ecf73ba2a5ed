import Cluster
import Foundation
import NN
import Optim
import TensorCore
import Training

/// How the ranks of an mpirun job share Distillation's work (docs/ALGORITHMS.md §18). Work
/// item i (an expert, an evaluation network, a class, a student chunk) belongs to rank
/// i mod N; its seed depends on i alone, so who computes it never changes its result.
enum Distribution {
  /// True when this rank computes item `index`.
  static func owns(_ index: Int) -> Bool { index % Cluster.size == Cluster.rank }

  /// MTT's student chunks over the ranks, summed in rank order; nil in a one-rank world.
  static var chunkSharing: ChunkSharing? {
    guard Cluster.isDistributed else { return nil }
    return ChunkSharing(owns: owns, sum: Cluster.allreduce)
  }
}

// MARK: - Trials as bytes (for gathering the evaluation networks)

extension SyntheticEvaluation.Trial {
  /// The trial as bytes: parameters, running statistics, test logits and labels, scores and
  /// training records.
  func encoded(index: Int) -> [UInt8] {
    var out = ByteWriter()
    out.int(index)
    out.floats(model.parameters.flattened.data)
    for stats in model.runningStatistics {
      out.floats(stats.mean.data)
      out.floats(stats.variance.data)
    }
    out.ints(test.logits.shape)
    out.floats(test.logits.data)
    out.ints(test.labels)
    out.doubles([test.accuracy, test.nll, test.imagesPerSecond])
    out.int(records.count)
    for r in records {
      out.int(r.epoch)
      out.doubles([r.loss, r.accuracy, Double(r.learningRate), r.seconds, r.imagesPerSecond])
    }
    return out.bytes
  }

  /// The trial `encoded(index:)` wrote, its network rebuilt for `config`.
  static func decoded(_ bytes: [UInt8], config: ConvNetConfig) -> (Int, Self) {
    var input = ByteReader(bytes)
    let index = input.int()
    var rng = RandomStream(seed: 0)
    let model = ConvNet(config, rng: &rng)
    model.parameters = model.parameters.unflattened(
      NDArray(shape: [model.parameters.scalarCount], data: input.floats()))
    model.runningStatistics = model.runningStatistics.map { stats in
      (
        NDArray(shape: stats.mean.shape, data: input.floats()),
        NDArray(shape: stats.variance.shape, data: input.floats())
      )
    }
    let shape = input.ints()
    let logits = NDArray(shape: shape, data: input.floats())
    let labels = input.ints()
    let scores = input.doubles()
    let test = EvaluationResult(
      logits: logits, labels: labels, accuracy: scores[0], nll: scores[1],
      imagesPerSecond: scores[2])
    let records = (0..<input.int()).map { _ in
      let epoch = input.int()
      let v = input.doubles()
      return EpochRecord(
        epoch: epoch, loss: v[0], accuracy: v[1], learningRate: Float(v[2]), seconds: v[3],
        imagesPerSecond: v[4])
    }
    return (index, Self(model: model, test: test, records: records))
  }
}

extension SyntheticEvaluation.Trial {
  /// Every rank's trials on every rank, ordered by index (collective).
  /// - Parameters:
  ///   - owned: this rank's trials with their indices.
  ///   - count: the number of trials over all ranks (indices 0..<count, each on one rank).
  static func allgathered(_ owned: [(index: Int, trial: Self)], count: Int, config: ConvNetConfig)
    -> [Self]
  {
    var out = ByteWriter()
    out.int(owned.count)
    for (index, trial) in owned { out.blob(trial.encoded(index: index)) }
    var trials = [Self?](repeating: nil, count: count)
    for part in Cluster.allgather(out.bytes) {
      var input = ByteReader(part)
      for _ in 0..<input.int() {
        let (index, trial) = decoded(input.blob(), config: config)
        trials[index] = trial
      }
    }
    let all = trials.compactMap { $0 }
    precondition(all.count == count, "a trial is missing after the gather")
    return all
  }
}

/// Length-prefixed little-endian arrays, for messages between ranks of one build.
struct ByteWriter {
  private(set) var bytes: [UInt8] = []

  mutating func int(_ value: Int) {
    withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
  }
  mutating func ints(_ values: [Int]) {
    int(values.count)
    for v in values { int(v) }
  }
  mutating func floats(_ values: [Float]) {
    int(values.count)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }
  mutating func doubles(_ values: [Double]) {
    int(values.count)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }
  mutating func blob(_ values: [UInt8]) {
    int(values.count)
    bytes.append(contentsOf: values)
  }
}

/// Reads what `ByteWriter` wrote; the messages come from the same build, so a short or
/// malformed one is a broken invariant.
struct ByteReader {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset >= bytes.count }

  mutating func int() -> Int {
    precondition(offset + 8 <= bytes.count, "truncated message between ranks")
    var value: Int64 = 0
    withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + 8)]) }
    offset += 8
    return Int(Int64(littleEndian: value))
  }
  mutating func ints() -> [Int] { (0..<int()).map { _ in int() } }
  mutating func floats() -> [Float] { array(of: Float.self) }
  mutating func doubles() -> [Double] { array(of: Double.self) }
  mutating func blob() -> [UInt8] { array(of: UInt8.self) }

  private mutating func array<T: Numeric>(of: T.Type) -> [T] {
    let count = int()
    let length = count * MemoryLayout<T>.stride
    precondition(offset + length <= bytes.count, "truncated message between ranks")
    var values = [T](repeating: 0, count: count)
    values.withUnsafeMutableBytes { $0.copyBytes(from: bytes[offset..<(offset + length)]) }
    offset += length
    return values
  }
}

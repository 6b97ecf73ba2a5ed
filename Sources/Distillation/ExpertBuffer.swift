import Datasets
import Foundation
import NN
import TensorCore

/// MTT's expert trajectories (docs/ALGORITHMS.md §7.1): for each expert, its flattened parameters
/// at initialisation and after every epoch, [epochs + 1, P].
///
/// On disk, a directory of `expert_<i>.npz` files, one per expert (members `trajectory`
/// float32 [E + 1, P] and `ddcal.config` int64 [channels, height, width, classes, depth,
/// width, norm, pooling]), so a partly built buffer keeps every finished expert.
public struct ExpertBuffer: Sendable {
  public var network: ConvNetConfig
  public var trajectories: [NDArray]

  public init(network: ConvNetConfig, trajectories: [NDArray]) {
    self.network = network
    self.trajectories = trajectories
  }

  public var count: Int { trajectories.count }
  /// Snapshots per expert (epochs + 1); the smallest over the buffer.
  public var snapshotCount: Int { trajectories.map { $0.shape[0] }.min() ?? 0 }

  /// The file of expert `index` in `directory`.
  public static func path(directory: String, index: Int) -> String {
    URL(fileURLWithPath: directory).appendingPathComponent("expert_\(index).npz").path
  }

  /// Writes one expert's trajectory atomically.
  public static func save(_ trajectory: NDArray, network: ConvNetConfig, to path: String) throws {
    try NPZ.write(
      [
        ("trajectory", NPYArray(trajectory)),
        ("ddcal.config", try NPYArray(int64: network.code, shape: [8])),
      ],
      to: path)
  }

  /// Loads every `expert_<i>.npz` of `directory` (i = 0, 1, … until a file is missing).
  /// - Throws: `DistillationError.malformedFile` for a file of another architecture or
  ///   length, and when there is no expert at all.
  public static func load(directory: String) throws -> ExpertBuffer {
    var trajectories: [NDArray] = []
    var network: ConvNetConfig? = nil
    var index = 0
    while FileManager.default.fileExists(atPath: path(directory: directory, index: index)) {
      let file = path(directory: directory, index: index)
      let archive = try NPZ.read(file)
      guard let code = archive["ddcal.config"]?.integers, let config = ConvNetConfig(code: code),
        let trajectory = archive["trajectory"]?.float32Array, trajectory.rank == 2
      else {
        throw DistillationError.malformedFile(path: file, message: "not an expert trajectory")
      }
      var rng = RandomStream(seed: 0)
      let scalars = ConvNet(config, rng: &rng).parameters.scalarCount
      guard trajectory.shape[1] == scalars, network == nil || network == config else {
        throw DistillationError.malformedFile(
          path: file, message: "trajectory does not match the network of expert_0")
      }
      network = config
      trajectories.append(trajectory)
      index += 1
    }
    guard let network else {
      throw DistillationError.malformedFile(path: directory, message: "no expert_0.npz here")
    }
    return ExpertBuffer(network: network, trajectories: trajectories)
  }
}

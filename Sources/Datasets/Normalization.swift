import TensorCore

/// Per-channel standardisation of images with values in [0, 1]:
/// `x' = (x − mean[c]) / std[c]`, computed in Float32 in that order (torchvision's
/// `ToTensor` then `Normalize`), so 8-bit pixels map to `(p / 255 − mean[c]) / std[c]`.
///
/// Datasets keep the normalisation they were built with, so images can be mapped back to
/// [0, 1] for display with `denormalize(_:)`.
public struct Normalization: Sendable, Equatable {
  /// Per-channel mean subtracted from images in [0, 1].
  public let mean: [Float]
  /// Per-channel standard deviation divided out after the mean.
  public let std: [Float]

  /// A normalisation with one mean and one std per channel.
  /// - Throws: `DatasetError.invalidArgument` when the counts differ, are zero, or a std is
  ///   not a positive finite number.
  public init(mean: [Float], std: [Float]) throws {
    guard !mean.isEmpty, mean.count == std.count else {
      throw DatasetError.invalidArgument(
        op: "normalization", argument: "std", value: "\(std.count) values",
        expected: "one per channel (\(mean.count), at least 1)")
    }
    if let bad = std.first(where: { !($0 > 0 && $0.isFinite) }) {
      throw DatasetError.invalidArgument(
        op: "normalization", argument: "std", value: "\(bad)", expected: "a positive number")
    }
    self.init(unchecked: mean, std)
  }

  private init(unchecked mean: [Float], _ std: [Float]) {
    self.mean = mean
    self.std = std
  }

  /// Number of channels.
  public var channels: Int { mean.count }

  /// Mean 0 and std 1 on every channel: images stay in [0, 1] (as for ZCA inputs,
  /// docs/ALGORITHMS.md §13.1).
  public static func identity(channels: Int) -> Normalization {
    Normalization(
      unchecked: [Float](repeating: 0, count: max(channels, 1)),
      [Float](repeating: 1, count: max(channels, 1)))
  }

  /// Fashion-MNIST, as in DatasetCondensation: mean 0.2861, std 0.3530 (docs/ALGORITHMS.md §13.1).
  public static let fashionMNIST = Normalization(unchecked: [0.2861], [0.3530])

  /// CIFAR-10 (DC and MTT): mean (0.4914, 0.4822, 0.4465), std (0.2023, 0.1994, 0.2010).
  /// MTT uses these for CIFAR-100 too (docs/ALGORITHMS.md §13.1).
  public static let cifar10 = Normalization(
    unchecked: [0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010])

  /// CIFAR-100 as DatasetCondensation normalises it: mean (0.5071, 0.4866, 0.4409),
  /// std (0.2673, 0.2564, 0.2762) (docs/ALGORITHMS.md §13.1).
  public static let cifar100DC = Normalization(
    unchecked: [0.5071, 0.4866, 0.4409], [0.2673, 0.2564, 0.2762])

  /// Normalises images with values in [0, 1].
  /// - Parameter images: [N, C, H, W] with C == `channels`.
  /// - Returns: [N, C, H, W], `(x − mean[c]) / std[c]`.
  /// - Throws: `ShapeError.mismatch` when the shape is not [N, channels, H, W].
  public func normalize(_ images: NDArray) throws -> NDArray {
    try checkShape(images, op: "normalize")
    return (images - perChannel(mean)) / perChannel(std)
  }

  /// Maps normalised images back to [0, 1] pixel scale for display.
  /// - Parameter images: [N, C, H, W] with C == `channels`.
  /// - Returns: [N, C, H, W], `x · std[c] + mean[c]`.
  /// - Throws: `ShapeError.mismatch` when the shape is not [N, channels, H, W].
  public func denormalize(_ images: NDArray) throws -> NDArray {
    try checkShape(images, op: "denormalize")
    return images * perChannel(std) + perChannel(mean)
  }

  /// Normalised Float32 images from 8-bit pixels stored [N, C, H, W] with `planeSize` = H·W.
  func normalize(pixels: [UInt8], planeSize: Int) -> [Float] {
    // One 256-entry table per channel, back to back; each output is one lookup.
    let table = (0..<channels).flatMap { c in
      (0..<256).map { p in (Float(p) / 255 - mean[c]) / std[c] }
    }
    let planes = planeSize > 0 ? pixels.count / planeSize : 0
    precondition(planes * planeSize == pixels.count, "pixels must fill whole planes")
    return [Float](unsafeUninitializedCapacity: pixels.count) { out, initialized in
      pixels.withUnsafeBufferPointer { source in
        table.withUnsafeBufferPointer { lookup in
          for plane in 0..<planes {
            let channelBase = (plane % channels) * 256
            for i in (plane * planeSize)..<((plane + 1) * planeSize) {
              out[i] = lookup[channelBase + Int(source[i])]
            }
          }
        }
      }
      initialized = pixels.count
    }
  }

  private func checkShape(_ images: NDArray, op: String) throws {
    guard images.rank == 4, images.shape[1] == channels else {
      throw ShapeError.mismatch(
        op: op, shape: images.shape, expected: "[N, \(channels), H, W]")
    }
  }

  /// One value per channel as [1, C, 1, 1], to broadcast over [N, C, H, W].
  private func perChannel(_ values: [Float]) -> NDArray {
    NDArray(shape: [1, channels, 1, 1], data: values)
  }
}

import Autodiff
import TensorCore

/// RTP's synthetic set (docs/ALGORITHMS.md §16.1): K shared bases ("memories") at reduced
/// resolution and one K-vector of coefficients ("address") per synthetic image. Image r is the
/// linear combination of the bases with row r of the addresses, upsampled bilinearly:
///
///     x_r = Up_ds( Σ_k A[r, k] · M[k] ),   M [K, C, h, w],   A [N, K],   x [N, C, H, W],
///
/// h = H/ds, w = W/ds, Up_ds bilinear with half-pixel centres (PyTorch's align_corners=False).
/// Every image spans the same ≤ K-dimensional subspace; only M is shared between classes.
public struct AddressableMemory: Sendable, Equatable {
  /// The bases M [K, C, h, w], in the source's normalised pixel space.
  public var bases: NDArray
  /// The addresses A [N, K]; row r belongs to synthetic image r (class-major).
  public var addresses: NDArray
  /// The upsampling factor ds ≥ 1 (image side = base side · ds).
  public let downsample: Int

  /// - Precondition: bases [K, C, h, w] and addresses [N, K] agree on K; ds ≥ 1.
  public init(bases: NDArray, addresses: NDArray, downsample: Int) {
    precondition(bases.rank == 4 && addresses.rank == 2 && addresses.shape[1] == bases.shape[0])
    precondition(downsample >= 1)
    self.bases = bases
    self.addresses = addresses
    self.downsample = downsample
  }

  /// K.
  public var basisCount: Int { bases.shape[0] }
  /// N, the number of synthetic images.
  public var addressCount: Int { addresses.shape[0] }
  /// [C, H, W] of the images it makes.
  public var imageShape: [Int] {
    [bases.shape[1], bases.shape[2] * downsample, bases.shape[3] * downsample]
  }
  /// Learnable floats: K·C·h·w + N·K.
  public var parameterCount: Int { bases.count + addresses.count }

  /// All N images [N, C, H, W].
  public func images() -> NDArray {
    GradMode.withoutGradients {
      Self.images(bases: Tensor(bases), addresses: Tensor(addresses), downsample: downsample)
        .value
    }
  }

  /// The images of `addresses` [n, K] from `bases` [K, C, h, w], differentiable in both:
  /// the bases are upsampled first (K images, not n), then combined by one matrix product.
  public static func images(bases: Tensor, addresses: Tensor, downsample ds: Int) -> Tensor {
    let (k, c, h, w) = (bases.shape[0], bases.shape[1], bases.shape[2], bases.shape[3])
    var full = bases.reshaped([k, c * h * w])
    if ds > 1 {
      let up = Tensor(upsampling(height: h, width: w, factor: ds))
      full = bases.reshaped([k * c, h * w]).matmul(up).reshaped([k, c * h * w * ds * ds])
    }
    return addresses.matmul(full).reshaped([addresses.shape[0], c, h * ds, w * ds])
  }

  /// Bilinear upsampling by `factor` as a matrix U [h·w, H·W] acting on flattened rows: output
  /// pixel (o, p) reads source coordinate ((o + ½)/ds − ½, (p + ½)/ds − ½), negative values
  /// clamped to 0 and the upper neighbour clamped to the last row/column (PyTorch's
  /// `interpolate(mode="bilinear", align_corners=False)`).
  public static func upsampling(height h: Int, width w: Int, factor ds: Int) -> NDArray {
    let rows = weights(size: h, factor: ds)
    let columns = weights(size: w, factor: ds)
    let (bigH, bigW) = (h * ds, w * ds)
    var data = [Float](repeating: 0, count: h * w * bigH * bigW)
    for o in 0..<bigH {
      for (i, a) in rows[o] {
        for p in 0..<bigW {
          for (j, b) in columns[p] { data[(i * w + j) * bigH * bigW + o * bigW + p] += a * b }
        }
      }
    }
    return NDArray(shape: [h * w, bigH * bigW], data: data)
  }

  /// For each output index along one axis, its (source index, weight) pairs.
  private static func weights(size: Int, factor ds: Int) -> [[(Int, Float)]] {
    (0..<(size * ds)).map { o in
      let source = max((Float(o) + 0.5) / Float(ds) - 0.5, 0)
      let low = min(Int(source), size - 1)
      let high = min(low + 1, size - 1)
      let t = source - Float(low)
      return [(low, 1 - t), (high, t)]
    }
  }
}

// MARK: - Budget and initialisation

extension AddressableMemory {
  /// RTP's budget rule: the floats of `ipc` full images per class, minus the bases, shared out
  /// as K-float addresses,
  ///
  ///     ipc′ = ⌊(ipc·classes·C·H·W − K·C·(H/ds)·(W/ds)) / (classes·K)⌋.
  ///
  /// - Throws: `DistillationError.invalidOption` when ds does not divide H and W, or the bases
  ///   alone exceed the budget (ipc′ < 1).
  public static func addressesPerClass(
    budget ipc: Int, classes: Int, imageShape: [Int], bases k: Int, downsample ds: Int
  ) throws -> Int {
    let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
    guard k >= 1 else { throw DistillationError.invalidOption(.bases, "bases must be ≥ 1") }
    guard ds >= 1, h % ds == 0, w % ds == 0 else {
      throw DistillationError.invalidOption(
        .downsample, "downsample \(ds) must divide the image size \(h)×\(w)")
    }
    let total = ipc * classes * c * h * w
    let basisCost = k * c * (h / ds) * (w / ds)
    let perClass = (total - basisCost) / (classes * k)
    guard total > basisCost, perClass >= 1 else {
      throw DistillationError.invalidOption(
        .bases,
        "\(k) bases of \(c)×\(h / ds)×\(w / ds) take \(basisCost) of the \(total) floats of "
          + "ipc \(ipc): no room for one address per class; lower bases= or raise downsample=")
    }
    return perClass
  }

  /// Bases and addresses drawn Xavier-uniform (gain 1) as the reference initialises both:
  /// U(−a, a) with a = √(6 / (rows + columns)) of each as a matrix.
  public static func initialize(
    classes: Int, perClass: Int, imageShape: [Int], bases k: Int, downsample ds: Int,
    rng: inout RandomStream
  ) -> AddressableMemory {
    let (c, h, w) = (imageShape[0], imageShape[1] / ds, imageShape[2] / ds)
    let n = classes * perClass
    let basisBound = (6 / Float(k + c * h * w)).squareRoot()
    let bases = rng.uniform(k * c * h * w, low: -basisBound, high: basisBound)
    let addressBound = (6 / Float(n + k)).squareRoot()
    let addresses = rng.uniform(n * k, low: -addressBound, high: addressBound)
    return AddressableMemory(
      bases: NDArray(shape: [k, c, h, w], data: bases),
      addresses: NDArray(shape: [n, k], data: addresses), downsample: ds)
  }

  /// Bases then addresses as one vector [K·C·h·w + N·K] (the outer optimizer's parameter).
  public var flattened: NDArray {
    NDArray(shape: [parameterCount], data: bases.data + addresses.data)
  }

  /// The memory with its parameters taken from a vector laid out as `flattened`.
  public func replacing(flattened vector: NDArray) -> AddressableMemory {
    precondition(vector.count == parameterCount)
    let split = bases.count
    return AddressableMemory(
      bases: NDArray(shape: bases.shape, data: Array(vector.data[..<split])),
      addresses: NDArray(shape: addresses.shape, data: Array(vector.data[split...])),
      downsample: downsample)
  }
}

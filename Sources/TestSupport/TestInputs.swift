import TensorCore

/// Seeded test inputs, including inputs kept away from the kinks of non-smooth ops.
///
/// NOTE: finite differences across a kink (relu and abs at 0, a tie inside a max window)
/// measure a one-sided slope mixture, not the derivative, so gradient checks of such ops
/// must use inputs whose perturbations of ±2ε never cross one.
public enum TestInputs {
  /// Uniform values on [low, high).
  public static func uniform(_ shape: [Int], low: Float = -1, high: Float = 1, seed: UInt64)
    -> NDArray
  {
    var rng = RandomStream(seed: seed, stream: 11)
    return NDArray(shape: shape, data: rng.uniform(Shape.count(shape), low: low, high: high))
  }

  /// Normal values with the given mean and standard deviation.
  public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64)
    -> NDArray
  {
    var rng = RandomStream(seed: seed, stream: 12)
    return NDArray(shape: shape, data: rng.normal(Shape.count(shape), mean: mean, std: std))
  }

  /// Values with |x| uniform on [margin, high] and a random sign: safe for relu and abs
  /// whenever the finite-difference step 2ε is below `margin`.
  public static func awayFromZero(
    _ shape: [Int], margin: Float = 0.1, high: Float = 1, seed: UInt64
  ) -> NDArray {
    var rng = RandomStream(seed: seed, stream: 13)
    let count = Shape.count(shape)
    let magnitude = rng.uniform(count, low: margin, high: high)
    let sign = rng.uniform(count)
    return NDArray(
      shape: shape, data: (0..<count).map { sign[$0] < 0.5 ? -magnitude[$0] : magnitude[$0] })
  }

  /// `x` with every element moved `margin` further from 0 (0 itself goes to +margin), so no
  /// element lies within `margin` of the kink at 0.
  public static func awayFromZero(_ x: NDArray, margin: Float) -> NDArray {
    NDArray(shape: x.shape, data: x.data.map { $0 < 0 ? $0 - margin : $0 + margin })
  }

  /// Distinct values low, low + spacing, … in random order: every max has a unique winner
  /// with a gap of at least `spacing` to the runner-up.
  public static func distinct(_ shape: [Int], spacing: Float = 0.05, low: Float = -1, seed: UInt64)
    -> NDArray
  {
    var rng = RandomStream(seed: seed, stream: 14)
    let order = rng.permutation(Shape.count(shape))
    return NDArray(shape: shape, data: order.map { low + spacing * Float($0) })
  }

  /// A sampling grid [N, H, W, 2] for `gridSample`, as PyTorch's `affine_grid`: the point
  /// (x, y) of output pixel (h, w) is θₙ · (xʷ, yʰ, 1), with θ [N, 2, 3] row-major and xʷ, yʰ
  /// the normalised pixel centres (−1 and 1 at the corner centres when `alignCorners`,
  /// at the outer edges otherwise).
  public static func affineGrid(
    theta: [Float], batch: Int, height: Int, width: Int, alignCorners: Bool
  )
    -> NDArray
  {
    precondition(theta.count == batch * 6, "affineGrid: θ must be [N, 2, 3]")
    func base(_ i: Int, _ size: Int) -> Float {
      if alignCorners { return size > 1 ? -1 + 2 * Float(i) / Float(size - 1) : 0 }
      return (2 * Float(i) + 1) / Float(size) - 1
    }
    var data: [Float] = []
    data.reserveCapacity(batch * height * width * 2)
    for n in 0..<batch {
      let t = Array(theta[(n * 6)..<(n * 6 + 6)])
      for h in 0..<height {
        for w in 0..<width {
          let (x, y) = (base(w, width), base(h, height))
          data.append(t[0] * x + t[1] * y + t[2])
          data.append(t[3] * x + t[4] * y + t[5])
        }
      }
    }
    return NDArray(shape: [batch, height, width, 2], data: data)
  }

  /// The identity grid: `gridSample` with it reproduces its input.
  public static func identityGrid(batch: Int, height: Int, width: Int, alignCorners: Bool)
    -> NDArray
  {
    let identity: [Float] = [1, 0, 0, 0, 1, 0]
    return affineGrid(
      theta: Array((0..<batch).map { _ in identity }.joined()), batch: batch, height: height,
      width: width, alignCorners: alignCorners)
  }

  /// A grid from θ = identity + uniform noise on ±`jitter` per entry, one θ per image, so the
  /// samples fall between pixels and partly outside the image.
  public static func randomAffineGrid(
    batch: Int, height: Int, width: Int, alignCorners: Bool, jitter: Float = 0.3, seed: UInt64
  ) -> NDArray {
    var rng = RandomStream(seed: seed, stream: 15)
    let noise = rng.uniform(batch * 6, low: -jitter, high: jitter)
    let identity: [Float] = [1, 0, 0, 0, 1, 0]
    let theta = (0..<(batch * 6)).map { identity[$0 % 6] + noise[$0] }
    return affineGrid(
      theta: theta, batch: batch, height: height, width: width, alignCorners: alignCorners)
  }
}

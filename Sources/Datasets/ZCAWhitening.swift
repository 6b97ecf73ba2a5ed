import TensorCore

/// ZCA whitening of flattened images, as kornia's `ZCAWhitening(eps, compute_inv=True)` that
/// MTT applies to CIFAR (docs/ALGORITHMS.md §13.2).
///
/// Fitting flattens N samples to X [N, D] (D = C·H·W for NCHW images) and computes
///
///     μ = mean of the rows of X                      [1, D]
///     Cov = (X − μ)ᵀ (X − μ) / (N − 1)               unbiased, [D, D]
///     Cov = U · diag(λ) · Uᵀ                         symmetric eigendecomposition
///     T = U · diag(1 / √(λ + ε)) · Uᵀ,   T⁻¹ = U · diag(√(λ + ε)) · Uᵀ
///
/// and then `whiten(x) = (x − μ) · T`, `unwhiten(y) = y · T⁻¹ + μ`. kornia takes U and λ
/// from an SVD of Cov; for a positive semi-definite matrix that is the same factorisation
/// (singular values = eigenvalues), so the symmetric solver, which is cheaper, is used.
///
/// The whitened training data has covariance T · Cov · T = U · diag(λ / (λ + ε)) · Uᵀ: ε
/// (kornia's `eps`, 0.1 in MTT) damps the directions whose variance is below ε instead of
/// blowing up their noise, and as ε → 0 the covariance tends to the identity on the span
/// of the data.
///
/// Cost: one D × D eigendecomposition plus GEMMs of 2·N·D² (covariance) and 4·D³ (T, T⁻¹)
/// flops; for CIFAR (D = 3072) the matrices take 37.7 MB each in Float32.
public struct ZCAWhitening: Sendable, Equatable {
  /// MTT's regularisation (kornia's `eps`).
  public static let defaultEpsilon: Float = 0.1

  /// Per-feature mean of the fitted samples, [1, D].
  public let mean: NDArray
  /// The whitening matrix T, [D, D] and symmetric.
  public let transform: NDArray
  /// Its inverse T⁻¹, [D, D] and symmetric.
  public let inverse: NDArray
  /// The regulariser ε added to every eigenvalue.
  public let epsilon: Float

  /// Number of features D per sample.
  public var featureCount: Int { mean.count }

  /// Fits the whitening to `images`.
  /// - Parameters:
  ///   - images: [N, …] with N ≥ 2 samples, each flattened in row-major order (e.g.
  ///     [N, C, H, W] with D = C·H·W); all finite.
  ///   - epsilon: ε > 0 added to every eigenvalue of the covariance.
  /// - Returns: The fitted transform.
  /// - Throws: `DatasetError.invalidArgument` for fewer than 2 samples, no features, a
  ///   non-finite element or ε ≤ 0; `ShapeError.mismatch` for a rank below 2;
  ///   `LinalgError` when the eigensolver fails.
  public static func fit(_ images: NDArray, epsilon: Float = defaultEpsilon) throws
    -> ZCAWhitening
  {
    let (n, d) = try checkTrainingSet(images, epsilon: epsilon)
    let x = images.reshaped([n, d])
    let mean = columnMeans(x)
    let covariance = covariance(x, mean: mean)
    let (values, vectors) = try Linalg.symmetricEigen(covariance)
    // NOTE: Cov is positive semi-definite by construction, but rounding leaves eigenvalues
    // near 0 (every one beyond rank N − 1 when N ≤ D) slightly negative. Clamping them to 0
    // keeps λ + ε ≥ ε, so neither root can turn NaN however small ε is; kornia's SVD yields
    // |λ| there instead, which differs from 0 only by that rounding error.
    let eigenvalues = values.data.map { max($0, 0) }
    return ZCAWhitening(
      unchecked: mean,
      transform: scaledProduct(vectors, eigenvalues.map { 1 / ($0 + epsilon).squareRoot() }),
      inverse: scaledProduct(vectors, eigenvalues.map { ($0 + epsilon).squareRoot() }),
      epsilon: epsilon)
  }

  /// A whitening with given parts (as read back from a file).
  /// - Throws: `DatasetError.invalidArgument` when the shapes are not [1, D], [D, D], [D, D]
  ///   or ε is not positive.
  public init(mean: NDArray, transform: NDArray, inverse: NDArray, epsilon: Float) throws {
    let d = mean.count
    for (name, array, shape) in [
      ("mean", mean, [1, d]), ("transform", transform, [d, d]), ("inverse", inverse, [d, d]),
    ] where array.shape != shape {
      throw DatasetError.invalidArgument(
        op: "zca", argument: name, value: "shape \(array.shape)", expected: "shape \(shape)")
    }
    guard epsilon > 0 && epsilon.isFinite else {
      throw DatasetError.invalidArgument(
        op: "zca", argument: "epsilon", value: "\(epsilon)", expected: "a positive number")
    }
    self.init(unchecked: mean, transform: transform, inverse: inverse, epsilon: epsilon)
  }

  private init(unchecked mean: NDArray, transform: NDArray, inverse: NDArray, epsilon: Float) {
    self.mean = mean
    self.transform = transform
    self.inverse = inverse
    self.epsilon = epsilon
  }

  // MARK: - Applying

  /// Whitens samples: `(x − μ) · T` per flattened sample.
  /// - Parameter images: [N, …] whose samples hold D = `featureCount` elements each.
  /// - Returns: The same shape as `images`.
  /// - Throws: `ShapeError.mismatch` when a sample does not hold D elements.
  public func whiten(_ images: NDArray) throws -> NDArray {
    let n = try checkSamples(images, op: "zca whiten")
    let x = images.reshaped([n, featureCount])
    return Self.affine(x, subtracting: mean, times: transform, adding: nil)
      .reshaped(images.shape)
  }

  /// Undoes `whiten(_:)`: `y · T⁻¹ + μ` per flattened sample.
  /// - Parameter whitened: [N, …] whose samples hold D = `featureCount` elements each.
  /// - Returns: The same shape as `whitened`.
  /// - Throws: `ShapeError.mismatch` when a sample does not hold D elements.
  public func unwhiten(_ whitened: NDArray) throws -> NDArray {
    let n = try checkSamples(whitened, op: "zca unwhiten")
    let y = whitened.reshaped([n, featureCount])
    return Self.affine(y, subtracting: nil, times: inverse, adding: mean)
      .reshaped(whitened.shape)
  }

  // MARK: - Files

  /// Writes the whitening as an `.npz` archive with float32 arrays "mean" [1, D],
  /// "transform" [D, D], "inverse" [D, D] and the scalar "epsilon", atomically.
  /// - Throws: `DatasetError.writeFailed` when the file cannot be written.
  public func save(to path: String) throws {
    try NPZ.write(
      [
        ("mean", NPYArray(mean)), ("transform", NPYArray(transform)),
        ("inverse", NPYArray(inverse)), ("epsilon", NPYArray(NDArray(scalar: epsilon))),
      ], to: path)
  }

  /// Reads a whitening written by `save(to:)` (or by numpy with the same keys; float64
  /// arrays are rounded to float32).
  /// - Throws: `DatasetError` when the file is unreadable, lacks a member, holds integers,
  ///   or its shapes disagree.
  public static func load(path: String) throws -> ZCAWhitening {
    let archive = try NPZ.read(path)
    func member(_ name: String) throws -> NDArray {
      let stored = try archive.array(named: name)
      guard let array = stored.float32Array else {
        throw DatasetError.badHeader(
          path: "\(path)[\(name).npy]", offset: 0, expected: "float elements",
          found: stored.descr)
      }
      return array
    }
    let epsilon = try member("epsilon")
    guard epsilon.count == 1 else {
      throw DatasetError.badHeader(
        path: "\(path)[epsilon.npy]", offset: 0, expected: "a scalar",
        found: "shape \(epsilon.shape)")
    }
    return try ZCAWhitening(
      mean: member("mean"), transform: member("transform"), inverse: member("inverse"),
      epsilon: epsilon.data[0])
  }

  // MARK: - Checks

  /// (N, D) of a training set, after the checks `fit` documents.
  private static func checkTrainingSet(_ images: NDArray, epsilon: Float) throws -> (Int, Int) {
    guard images.rank >= 2 else {
      throw ShapeError.mismatch(op: "zca fit", shape: images.shape, expected: "[N, C, H, W]")
    }
    let n = images.shape[0]
    let d = images.count / max(n, 1)
    let problems: [(Bool, String, String, String)] = [
      (n < 2, "samples", "\(n)", "at least 2 (the covariance divides by N − 1)"),
      (d == 0, "features per sample", "0", "at least 1"),
      (!(epsilon > 0 && epsilon.isFinite), "epsilon", "\(epsilon)", "a positive number"),
      (!images.isFinite, "images", "non-finite values", "finite values"),
    ]
    if let (_, argument, value, expected) = problems.first(where: { $0.0 }) {
      throw DatasetError.invalidArgument(
        op: "zca fit", argument: argument, value: value, expected: expected)
    }
    return (n, d)
  }

  /// The sample count N of `images` after checking each sample holds D elements.
  private func checkSamples(_ images: NDArray, op: String) throws -> Int {
    let d = featureCount
    guard images.rank >= 2, Shape.count(Array(images.shape.dropFirst())) == d else {
      throw ShapeError.mismatch(
        op: op, shape: images.shape, expected: "[N, …] with \(d) elements per sample")
    }
    return images.shape[0]
  }
}

// MARK: - Kernels

extension ZCAWhitening {
  /// Rows per GEMM block: bounds the scratch copies (a block's rows, then centred) to
  /// `rowsPerBlock` × D floats each (24 MB for CIFAR) instead of copies of the whole data set.
  static let rowsPerBlock = 2048

  /// Column means [1, D] of x [N, D], accumulated in Double.
  static func columnMeans(_ x: NDArray) -> NDArray {
    let (rows, d) = (x.shape[0], x.shape[1])
    var sums = [Double](repeating: 0, count: d)
    for r in 0..<rows {
      for (c, v) in x.data[(r * d)..<((r + 1) * d)].enumerated() { sums[c] += Double(v) }
    }
    return NDArray(shape: [1, d], data: sums.map { Float($0 / Double(rows)) })
  }

  /// (X − μ)ᵀ (X − μ) / (N − 1) [D, D] for x [N, D] and μ [1, D], one GEMM per block of
  /// centred rows.
  static func covariance(_ x: NDArray, mean: NDArray) -> NDArray {
    let (rows, d) = (x.shape[0], x.shape[1])
    var cov = NDArray.zeros([d, d])
    for start in stride(from: 0, to: rows, by: rowsPerBlock) {
      let block = x.rows(start..<min(rows, start + rowsPerBlock)) - mean
      cov.addMatmul(
        block, block, transposeA: true, alpha: 1 / Float(rows - 1), beta: start == 0 ? 0 : 1)
    }
    return cov
  }

  /// U · diag(scale) · Uᵀ for U [D, D].
  static func scaledProduct(_ u: NDArray, _ scale: [Float]) -> NDArray {
    let scaled = u * NDArray(shape: [scale.count], data: scale)  // column j times scale[j]
    return scaled.matmul(u, transposeOther: true)
  }

  /// (x − shift) · matrix + offset for each row of x [N, D], with matrix [D, D] and shift,
  /// offset [1, D]: one GEMM per block of rows, centred first when there is a shift, onto
  /// rows holding the offset when there is one.
  static func affine(
    _ x: NDArray, subtracting shift: NDArray?, times matrix: NDArray, adding offset: NDArray?
  ) -> NDArray {
    let (rows, d) = (x.shape[0], x.shape[1])
    guard rows > 0 && d > 0 else { return x }
    var out = NDArray.zeros([rows, d])
    if let offset { out = out + offset }
    for start in stride(from: 0, to: rows, by: rowsPerBlock) {
      let block = x.rows(start..<min(rows, start + rowsPerBlock))
      out.addMatmul(
        shift.map { block - $0 } ?? block, matrix, beta: offset == nil ? 0 : 1, atRow: start)
    }
    return out
  }
}

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
    let mean = columnMeans(images.data, rows: n, columns: d)
    let covariance = covariance(images.data, mean: mean, rows: n, columns: d)
    let (values, vectors) = try Linalg.symmetricEigen(covariance)
    // NOTE: Cov is positive semi-definite by construction, but rounding leaves eigenvalues
    // near 0 (every one beyond rank N − 1 when N ≤ D) slightly negative. Clamping them to 0
    // keeps λ + ε ≥ ε, so neither root can turn NaN however small ε is; kornia's SVD yields
    // |λ| there instead, which differs from 0 only by that rounding error.
    let eigenvalues = values.data.map { max($0, 0) }
    return ZCAWhitening(
      unchecked: NDArray(shape: [1, d], data: mean),
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
    let data = Self.affine(
      images.data, rows: n, subtracting: mean.data, times: transform.data, adding: nil,
      columns: featureCount)
    return NDArray(shape: images.shape, data: data)
  }

  /// Undoes `whiten(_:)`: `y · T⁻¹ + μ` per flattened sample.
  /// - Parameter whitened: [N, …] whose samples hold D = `featureCount` elements each.
  /// - Returns: The same shape as `whitened`.
  /// - Throws: `ShapeError.mismatch` when a sample does not hold D elements.
  public func unwhiten(_ whitened: NDArray) throws -> NDArray {
    let n = try checkSamples(whitened, op: "zca unwhiten")
    let data = Self.affine(
      whitened.data, rows: n, subtracting: nil, times: inverse.data, adding: mean.data,
      columns: featureCount)
    return NDArray(shape: whitened.shape, data: data)
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
  /// Rows per GEMM block: bounds the centred scratch copy to `rowsPerBlock` × D floats
  /// (24 MB for CIFAR) instead of a second copy of the whole data set.
  static let rowsPerBlock = 2048

  /// Column means of a row-major rows × columns matrix, accumulated in Double.
  static func columnMeans(_ x: [Float], rows: Int, columns: Int) -> [Float] {
    var sums = [Double](repeating: 0, count: columns)
    x.withUnsafeBufferPointer { x in
      for r in 0..<rows {
        for c in 0..<columns { sums[c] += Double(x[r * columns + c]) }
      }
    }
    return sums.map { Float($0 / Double(rows)) }
  }

  /// (X − μ)ᵀ (X − μ) / (rows − 1) as [columns, columns], one GEMM per block of centred rows.
  static func covariance(_ x: [Float], mean: [Float], rows: Int, columns d: Int) -> NDArray {
    var cov = [Float](repeating: 0, count: d * d)
    var block = [Float](repeating: 0, count: min(rows, rowsPerBlock) * d)
    for start in stride(from: 0, to: rows, by: rowsPerBlock) {
      let count = min(rowsPerBlock, rows - start)
      centre(x, rows: start..<(start + count), mean: mean, into: &block)
      block.withUnsafeBufferPointer { b in
        cov.withUnsafeMutableBufferPointer { c in
          Gemm.sgemm(
            transA: true, transB: false, m: d, n: d, k: count, alpha: 1 / Float(rows - 1),
            a: b.baseAddress!, lda: d, b: b.baseAddress!, ldb: d, beta: start == 0 ? 0 : 1,
            c: c.baseAddress!, ldc: d)
        }
      }
    }
    return NDArray(shape: [d, d], data: cov)
  }

  /// U · diag(scale) · Uᵀ for U [D, D].
  static func scaledProduct(_ u: NDArray, _ scale: [Float]) -> NDArray {
    let scaled = u * NDArray(shape: [scale.count], data: scale)  // column j times scale[j]
    return scaled.matmul(u, transposeOther: true)
  }

  /// (x − shift) · matrix + offset for each row of x [rows, d], with matrix [d, d]; rows are
  /// centred blockwise when there is a shift, and x is read in place otherwise.
  static func affine(
    _ x: [Float], rows: Int, subtracting shift: [Float]?, times matrix: [Float],
    adding offset: [Float]?, columns d: Int
  ) -> [Float] {
    guard rows > 0, d > 0 else { return x }
    var out = [Float](repeating: 0, count: rows * d)
    if let offset {
      for r in 0..<rows { out.replaceSubrange((r * d)..<((r + 1) * d), with: offset) }
    }
    var block = [Float](repeating: 0, count: shift == nil ? 0 : min(rows, rowsPerBlock) * d)
    for start in stride(from: 0, to: rows, by: rowsPerBlock) {
      let count = min(rowsPerBlock, rows - start)
      func multiply(_ a: UnsafePointer<Float>) {
        matrix.withUnsafeBufferPointer { t in
          out.withUnsafeMutableBufferPointer { c in
            Gemm.sgemm(
              transA: false, transB: false, m: count, n: d, k: d, a: a, lda: d,
              b: t.baseAddress!, ldb: d, beta: offset == nil ? 0 : 1,
              c: c.baseAddress! + start * d, ldc: d)
          }
        }
      }
      if let shift {
        centre(x, rows: start..<(start + count), mean: shift, into: &block)
        block.withUnsafeBufferPointer { multiply($0.baseAddress!) }
      } else {
        x.withUnsafeBufferPointer { multiply($0.baseAddress! + start * d) }
      }
    }
    return out
  }

  /// Writes rows `rows` of x minus `mean` to the front of `block`.
  private static func centre(
    _ x: [Float], rows: Range<Int>, mean: [Float], into block: inout [Float]
  ) {
    let d = mean.count
    x.withUnsafeBufferPointer { x in
      mean.withUnsafeBufferPointer { mean in
        block.withUnsafeMutableBufferPointer { block in
          for (i, r) in rows.enumerated() {
            for c in 0..<d { block[i * d + c] = x[r * d + c] - mean[c] }
          }
        }
      }
    }
  }
}

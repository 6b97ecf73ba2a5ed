import TensorCore

extension AddressableMemory {
  /// A memory that starts from real images (`init=pca`, docs/ALGORITHMS.md §16.1; not the
  /// reference's initialisation). `images` [N, C, H, W] are ipc′ real images per class,
  /// class-major; each becomes its address.
  ///
  /// 1. Each image is brought to the bases' resolution by least squares through the
  ///    upsampling: z = x·Uᵀ(U·Uᵀ)⁻¹ per channel, U [h·w, H·W] (`upsampling`), so Up(z) is
  ///    the closest image Up can make to x.
  /// 2. The K bases are the top K right singular vectors of Z [N, C·h·w] (uncentred: the
  ///    combination has no offset, so the first basis carries the mean), each signed so
  ///    that its largest-magnitude entry is positive.
  /// 3. Addresses are the projections A = Z·Vₖᵀ, so A·M is Z's best rank-K approximation.
  /// 4. Bases and addresses are rescaled by s and 1/s (images unchanged) so that
  ///    ‖M‖_F = ‖A‖_F, the balance gradient descent on a product keeps, so neither factor's
  ///    gradient dwarfs the other's under a joint norm clip.
  ///
  /// - Throws: `LinalgError` when the decomposition fails (non-finite images).
  public static func principalComponents(
    of images: NDArray, bases k: Int, downsample ds: Int
  ) throws -> AddressableMemory {
    let (n, c, bigH, bigW) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let (h, w) = (bigH / ds, bigW / ds)
    let z = try lowResolution(images, downsample: ds).reshaped([n, c * h * w])
    // Eigenvectors of ZᵀZ [C·h·w]² = the right singular vectors of Z (cheaper than the SVD
    // of the tall Z); ascending eigenvalues, so the top K are the last K columns.
    let (_, vectors) = try Linalg.symmetricEigen(z.matmul(z, transposeSelf: true))
    let d = c * h * w
    var top = [Float](repeating: 0, count: k * d)
    for j in 0..<min(k, d) {
      let column = d - 1 - j
      var v = (0..<d).map { vectors.data[$0 * d + column] }
      let peak = v.max { abs($0) < abs($1) } ?? 0
      if peak < 0 { v = v.map { -$0 } }
      top.replaceSubrange((j * d)..<((j + 1) * d), with: v)
    }
    // K larger than C·h·w: the extra bases stay zero (their addresses then get no gradient
    // through the image, only through the shared scale).
    let basisMatrix = NDArray(shape: [k, d], data: top)
    let addresses = z.matmul(basisMatrix, transposeOther: true)
    let addressEnergy = addresses.data.reduce(0.0) { $0 + Double($1) * Double($1) }
    let addressNorm = Float(addressEnergy.squareRoot())
    let basisNorm = Float(min(k, d)).squareRoot()
    let s = basisNorm > 0 && addressNorm > 0 ? (addressNorm / basisNorm).squareRoot() : 1
    return AddressableMemory(
      bases: (basisMatrix * s).reshaped([k, c, h, w]), addresses: addresses * (1 / s),
      downsample: ds)
  }

  /// Least-squares low-resolution versions of `images` [N, C, H, W] → [N, C, H/ds, W/ds]:
  /// z = x·Uᵀ(U·Uᵀ)⁻¹ per channel, with the inverse from the eigendecomposition of the
  /// (symmetric positive definite) U·Uᵀ.
  static func lowResolution(_ images: NDArray, downsample ds: Int) throws -> NDArray {
    let (n, c, bigH, bigW) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let (h, w) = (bigH / ds, bigW / ds)
    if ds == 1 { return images }
    let u = upsampling(height: h, width: w, factor: ds)
    let (values, vectors) = try Linalg.symmetricEigen(u.matmul(u, transposeOther: true))
    let m = h * w
    var scaled = vectors
    for i in 0..<m {
      for j in 0..<m { scaled.data[i * m + j] /= values.data[j] }
    }
    let inverse = scaled.matmul(vectors, transposeOther: true)
    let project = u.matmul(inverse, transposeSelf: true)  // Uᵀ(UUᵀ)⁻¹ [H·W, h·w]
    return images.reshaped([n * c, bigH * bigW]).matmul(project).reshaped([n, c, h, w])
  }
}

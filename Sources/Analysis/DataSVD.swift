import Foundation
import TensorCore

/// The paper's SVD analysis of datasets (§3.2, Eq. 2–3; Fig. 3, 5, 13): the spectrum of a set
/// of images, and the images rebuilt without their top singular components,
/// X̂ = Σ_{i>k} σᵢ uᵢ vᵢᵀ = X − Σ_{i≤k} σᵢ uᵢ vᵢᵀ.
///
/// `.dataset` mode forms the Gram matrix of the smaller side of X [N, D] in double precision
/// (XᵀX when N ≥ D, else XXᵀ) and takes its eigendecomposition (LAPACK `dsyevd`): σᵢ = √λᵢ.
/// That is O(N·D·min(N, D)) and accurate to ≈ 1e-8 σ₁ in absolute terms, so the full 60,000 ×
/// 784 Fashion-MNIST matrix takes about a second. `.image` mode runs LAPACK `sgesdd` on every
/// H × W matrix.
public enum DataSVD {
  /// The spectrum of `images` [N, C, H, W] (or any [N, …] in `.dataset` mode).
  /// - Throws: `LinalgError` for non-finite data or a LAPACK failure; `AnalysisError.empty`
  ///   for no images.
  public static func spectrum(_ images: NDArray, mode: SpectrumMode = .dataset) throws -> Spectrum {
    try check(images, mode)
    switch mode {
    case .dataset:
      let x = flattened(images)
      let (m, n) = (x.shape[0], x.shape[1])
      let sigma = try GramDecomposition(x, vectors: false).singularValues
      return Spectrum(
        mode: mode, singularValues: sigma, rank: Spectrum.rank(of: sigma, rows: m, columns: n),
        matrixShape: [m, n], matrixCount: 1)
    case .image:
      return try imageSpectrum(images)
    }
  }

  /// `images` without their top ⌈fraction · rank⌉ singular components (per matrix in `.image`
  /// mode), same shape. fraction 0 returns the images unchanged.
  /// - Parameter fraction: in [0, 1].
  /// - Returns: the rebuilt images and k, the number of components dropped (per matrix: the
  ///   largest k in `.image` mode).
  /// - Throws: `AnalysisError.invalidOption` for a fraction outside [0, 1], and as `spectrum`.
  public static func dropTop(_ images: NDArray, fraction: Double, mode: SpectrumMode = .dataset)
    throws -> (images: NDArray, dropped: Int)
  {
    try check(images, mode)
    guard fraction >= 0, fraction <= 1 else {
      throw AnalysisError.invalidOption(
        name: "drop", value: "\(fraction)", expected: "a fraction in [0, 1]")
    }
    switch mode {
    case .dataset:
      let x = flattened(images)
      let decomposition = try GramDecomposition(x)
      let sigma = decomposition.singularValues
      let k = Spectrum.droppedCount(
        fraction, rank: Spectrum.rank(of: sigma, rows: x.shape[0], columns: x.shape[1]))
      guard k > 0 else { return (images, 0) }
      return (decomposition.removingTop(k, from: x).reshaped(images.shape), k)
    case .image:
      return try imageDrop(images, fraction: fraction)
    }
  }

  static func check(_ images: NDArray, _ mode: SpectrumMode) throws {
    guard images.rank >= 2, images.shape[0] > 0 else {
      throw AnalysisError.empty(what: "the image set")
    }
    if mode == .image, images.rank != 4 {
      throw AnalysisError.invalidOption(
        name: "mode", value: "image", expected: "images [N, C, H, W], got \(images.shape)")
    }
  }

  static func flattened(_ images: NDArray) -> NDArray {
    images.reshaped([images.shape[0], images.count / images.shape[0]])
  }
}

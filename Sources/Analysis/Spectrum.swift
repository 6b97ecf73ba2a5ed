import Foundation
import TensorCore

/// How a set of images is read as matrices for the SVD. The paper (§3.2, Eq. 2–3) does not
/// say which matrix it decomposes, so both readings are offered.
public enum SpectrumMode: String, Sendable, CaseIterable {
  /// One matrix X [N, C·H·W]: each image flattened to a row (the images as stored, i.e.
  /// normalised or whitened).
  case dataset
  /// One matrix per image and channel, [H, W] each.
  case image
}

/// What a cumulative explained ratio accumulates.
public enum RatioMeasure: String, Sendable, CaseIterable {
  /// σᵢ² / Σⱼ σⱼ² (the PCA convention: the share of ‖X‖²_F).
  case energy
  /// σᵢ / Σⱼ σⱼ.
  case sigma
}

/// Singular values of image data, descending (paper Eq. 2: X = U Σ Vᵀ).
///
/// In `.dataset` mode they are those of the one data matrix; in `.image` mode, the mean over
/// all image-channel matrices of their i-th singular value, and `rank` is the largest
/// per-matrix rank. No centring is applied: X is decomposed as stored.
public struct Spectrum: Sendable, Equatable {
  /// The reading the values come from.
  public let mode: SpectrumMode
  /// σ₁ ≥ σ₂ ≥ … ≥ 0, min(rows, columns) of them.
  public let singularValues: [Double]
  /// Number of σᵢ above max(rows, columns) · σ₁ · ε_Float32 (numpy's matrix_rank rule for
  /// float32 data).
  public let rank: Int
  /// Shape [rows, columns] of each decomposed matrix.
  public let matrixShape: [Int]
  /// Number of matrices decomposed (1 in `.dataset` mode).
  public let matrixCount: Int

  /// Cumulative explained ratio: entry i is (Σ_{j≤i} wⱼ) / Σⱼ wⱼ with w = σ² or σ (paper
  /// appendix B.2, Fig. 13: a curve bent to the top left means concentrated information).
  public func cumulativeRatio(_ measure: RatioMeasure = .energy) -> [Double] {
    let weights = singularValues.map { measure == .energy ? $0 * $0 : $0 }
    let total = weights.reduce(0, +)
    guard total > 0 else { return weights.map { _ in 0 } }
    var running = 0.0
    return weights.map { w in
      running += w
      return running / total
    }
  }

  /// k = ⌈fraction · rank⌉: how many of the top components `fraction` drops.
  public func droppedCount(_ fraction: Double) -> Int {
    Self.droppedCount(fraction, rank: rank)
  }

  static func droppedCount(_ fraction: Double, rank: Int) -> Int {
    min(rank, Int((fraction * Double(rank)).rounded(.up)))
  }

  /// The rank threshold for the singular values of a rows × columns Float32 matrix.
  static func rank(of sigma: [Double], rows: Int, columns: Int) -> Int {
    guard let top = sigma.first, top > 0 else { return 0 }
    let tolerance = Double(max(rows, columns)) * top * Double(Float.ulpOfOne)
    return sigma.filter { $0 > tolerance }.count
  }
}

import Foundation
import TensorCore

/// FFT-accelerated interpolation of the repulsion in 2-D (FIt-SNE; Linderman et al. 2019,
/// Nature Methods 16:243, §"Interpolation-based t-SNE"; openTSNE's
/// `estimate_negative_gradient_fft_2d`).
///
/// The square [lo, hi]² around the embedding is cut into B × B boxes of side at most 1
/// (B ≥ `minimumBoxes`), with p equispaced nodes per box side at (k + ½)/p. Every point
/// spreads the charges (1, y₁, y₂, ‖y‖²) onto its box's p × p nodes with Lagrange weights;
/// the charges are convolved with the squared kernel w² = 1/(1 + d²)² between nodes
/// (`GridConvolution`); every point gathers the four potentials φ back with the same weights.
/// Then Σⱼ wᵢⱼ² (yᵢ − yⱼ) = yᵢ φ₀ − (φ₁, φ₂) and Zᵢ + 1 = (1 + ‖yᵢ‖²) φ₀ − 2 yᵢ·(φ₁, φ₂) + φ₃,
/// because wᵢⱼ = wᵢⱼ² (1 + ‖yᵢ − yⱼ‖²); the sum counts i itself once (w = 1), hence the −N.
/// B is raised to the most boxes whose FFT side 2ᵃ3ᵇ ≥ 2Bp − 1 allows, for accuracy at no cost,
/// and the box side is rounded up to a power of 2^(1/16), so the kernel's spectrum is reused
/// until the side changes instead of recomputed every step (`InterpolationLayout`).
/// Coordinates are taken from the grid's centre so the Float grids hold small charges; on
/// the test points the gradient is as accurate as openTSNE's Double one (about 1 % where
/// clusters are tight within one box, 0.05 % where they span many).
final class FFTRepulsion: Repulsion {
  let interpolationPoints: Int
  let minimumBoxes: Int
  private var convolution: GridConvolution?
  private var kernelSpacing = 0.0
  private var grids = Grids(count: 0)

  init(interpolationPoints: Int, minimumBoxes: Int) {
    self.interpolationPoints = interpolationPoints
    self.minimumBoxes = minimumBoxes
  }

  func forces(_ y: [Double], into forces: inout [Double]) -> Double {
    let layout = InterpolationLayout(y, points: interpolationPoints, minimumBoxes: minimumBoxes)
    prepare(layout)
    // The grids leave the object while they are worked on: two inout accesses to members
    // of one class property would overlap.
    var work = Grids(count: 0)
    swap(&work, &grids)
    defer { swap(&work, &grids) }
    work.spread(layout)
    if let convolution {
      convolution.convolve(re: &work.re0, im: &work.im0)
      convolution.convolve(re: &work.re1, im: &work.im1)
    }
    return work.gather(layout, into: &forces)
  }

  /// Resizes the grids and the convolution and recomputes the kernel spectrum when the node
  /// spacing changed.
  private func prepare(_ layout: InterpolationLayout) {
    let m = layout.nodes
    if convolution?.size != m || convolution?.length != layout.fftLength {
      convolution = GridConvolution(size: m, length: layout.fftLength)
      kernelSpacing = 0
    }
    if grids.count != m * m { grids = Grids(count: m * m) }
    if layout.spacing != kernelSpacing, let convolution {
      let s2 = layout.spacing * layout.spacing
      convolution.setKernel { r2 in
        let w = 1 / (1 + s2 * r2)
        return w * w
      }
      kernelSpacing = layout.spacing
    }
  }
}

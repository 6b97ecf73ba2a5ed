import Foundation
import TensorCore

/// `.image` mode: every image's every channel as its own H × W matrix (LAPACK `sgesdd`).
extension DataSVD {
  /// The mean over matrices of their i-th singular value; rank = the largest per-matrix rank.
  static func imageSpectrum(_ images: NDArray) throws -> Spectrum {
    let (h, w) = (images.shape[2], images.shape[3])
    let count = images.shape[0] * images.shape[1]
    var sum = [Double](repeating: 0, count: min(h, w))
    var rank = 0
    for index in 0..<count {
      let s = try Linalg.svd(plane(images, index)).s.data.map(Double.init)
      for i in s.indices { sum[i] += s[i] }
      rank = max(rank, Spectrum.rank(of: s, rows: h, columns: w))
    }
    return Spectrum(
      mode: .image, singularValues: sum.map { $0 / Double(count) }, rank: rank,
      matrixShape: [h, w], matrixCount: count)
  }

  /// Each matrix without its top ⌈fraction · rankᵢ⌉ components.
  static func imageDrop(_ images: NDArray, fraction: Double) throws -> (
    images: NDArray, dropped: Int
  ) {
    let (h, w) = (images.shape[2], images.shape[3])
    var out = images
    var largest = 0
    for index in 0..<(images.shape[0] * images.shape[1]) {
      let (u, s, vt) = try Linalg.svd(plane(images, index))
      let sigma = s.data.map(Double.init)
      let k = Spectrum.droppedCount(fraction, rank: Spectrum.rank(of: sigma, rows: h, columns: w))
      largest = max(largest, k)
      guard k > 0 else { continue }
      // X − Σ_{i<k} σᵢ uᵢ vᵢᵀ, summed in Double per pixel.
      let r = s.count
      for row in 0..<h {
        for column in 0..<w {
          var top = 0.0
          for i in 0..<k {
            top += Double(u.data[row * r + i]) * sigma[i] * Double(vt.data[i * w + column])
          }
          let at = index * h * w + row * w + column
          out.data[at] = Float(Double(images.data[at]) - top)
        }
      }
    }
    return (out, largest)
  }

  /// Matrix `index` (image-major, channel-minor) as [H, W].
  static func plane(_ images: NDArray, _ index: Int) -> NDArray {
    let size = images.shape[2] * images.shape[3]
    return NDArray(
      shape: [images.shape[2], images.shape[3]],
      data: Array(images.data[(index * size)..<((index + 1) * size)]))
  }
}

import Analysis
import Foundation
import TensorCore

/// The analysis figures: the spectrum of an M × 3072 float32 matrix (the sizes of
/// Scripts/bench/bench_svd_ece.py: 500 and 5000 rows), through `DataSVD` and through LAPACK
/// `sgesdd` called directly (thin U and Vᵀ, as numpy's svd does), and the full Fashion-MNIST
/// matrix's spectrum (60,000 × 784).
enum AnalysisBenchmarks {
  static func run() {
    for rows in [500, 5000] {
      var rng = RandomStream(seed: 7)
      let x = NDArray(shape: [rows, 3072], data: rng.normal(rows * 3072, std: 1))
      let ours = Benchmarks.summary(
        (0..<max(repeats / 2, 1)).map { _ in Benchmarks.time { _ = try? DataSVD.spectrum(x) } })
      let lapack = Benchmarks.summary(
        (0..<max(repeats / 2, 1)).map { _ in Benchmarks.time { _ = try? Linalg.svd(x) } })
      print(
        String(
          format:
            "SVD %d×3072 float32: DataSVD spectrum %.3f s [%.3f…%.3f], sgesdd (thin U, Vᵀ) %.3f s [%.3f…%.3f]",
          rows, ours.median, ours.min, ours.max, lapack.median, lapack.min, lapack.max))
    }
    var rng = RandomStream(seed: 8)
    let fm = NDArray(shape: [60_000, 1, 28, 28], data: rng.normal(60_000 * 784, std: 1))
    let full = Benchmarks.time { _ = try? DataSVD.spectrum(fm) }
    let drop = Benchmarks.time { _ = try? DataSVD.dropTop(fm, fraction: 0.1) }
    print(
      String(
        format: "SVD 60000×784 (Fashion-MNIST size): spectrum %.2f s, drop top 10 %% %.2f s", full,
        drop))
  }
}

import Foundation
import TensorCore

@testable import Analysis

/// Fixtures/tsne.json, written by Scripts/reference/tsne_reference.py.
struct TSNEFixture: Decodable {
  struct Run: Decodable {
    let kl: Double
    let iterations: Int
    let trustworthiness: Double
    let embedding: [Double]?
  }

  /// openTSNE's FFT accuracy at y0 × scale.
  struct FFTAccuracy: Decodable {
    let scale: Double
    let z_error: Double
    let gradient_error: Double
  }

  let n: Int
  let d: Int
  let perplexity: Double
  let k: Int
  let x: [Double]
  let labels: [Int]
  let p_row_starts: [Int]
  let p_columns: [Int]
  let p_values: [Double]
  let pca_init: [Double]
  let y0: [Double]
  let kl_dense_at_y0: Double
  let gradient_dense_at_y0: [Double]
  let kl_sparse_at_y0: Double
  let gradient_sparse_at_y0: [Double]
  let sklearn_exact: Run
  let sklearn_barnes_hut: Run
  let opentsne_fft_errors: [FFTAccuracy]
  /// scikit-learn's final KL and T(5) from 8 random starts.
  struct Starts: Decodable {
    let kl: [Double]
    let trustworthiness: [Double]
  }

  /// Per scikit-learn method ("exact", "barnes_hut").
  let sklearn_random_starts: [String: Starts]

  /// The float32 points [N, D].
  var points: NDArray { NDArray(shape: [n, d], data: x.map { Float($0) }) }

  /// The fixture, decoded once.
  static let shared: TSNEFixture = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/tsne.json")
    do {
      return try JSONDecoder().decode(TSNEFixture.self, from: Data(contentsOf: url))
    } catch {
      fatalError("Fixtures/tsne.json: \(error)")
    }
  }()

  /// Options matching the script's runs (perplexity 30, 1000 iterations, PCA start).
  func options(_ method: TSNEOptions.Method, affinities: TSNEOptions.Affinities = .nearestNeighbors)
    -> TSNEOptions
  {
    var o = TSNEOptions()
    o.perplexity = perplexity
    o.method = method
    o.affinities = affinities
    return o
  }
}

/// Runs code with `Parallel.threads` set, one caller at a time (tests run concurrently).
enum ThreadCount {
  private static let lock = NSLock()

  static func with<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    let saved = Parallel.threads
    Parallel.threads = threads
    defer { Parallel.threads = saved }
    return try body()
  }
}

/// ‖a − b‖ / ‖b‖.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
  var (num, den) = (0.0, 0.0)
  for (u, v) in zip(a, b) {
    num += (u - v) * (u - v)
    den += v * v
  }
  return (num / max(den, .leastNormalMagnitude)).squareRoot()
}

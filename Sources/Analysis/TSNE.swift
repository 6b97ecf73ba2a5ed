import Foundation
import TensorCore

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008), the projection
/// behind the paper's feature plots (Figs. 4, 6 and 12).
public enum TSNE {
  /// Embeds `x` in `options.dimensions` dimensions by minimising KL(P ‖ Q).
  ///
  /// P is `AffinityMatrix` (Gaussian affinities calibrated to the perplexity, symmetrised),
  /// Q has qᵢⱼ = wᵢⱼ / Z with the Student-t kernel wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²). Gradient
  /// descent on ∂C/∂yᵢ = 4 Σⱼ (α pᵢⱼ − qᵢⱼ) wᵢⱼ (yᵢ − yⱼ) (eq. 5, with the early exaggeration
  /// α for the first steps), momentum 0.5 then 0.8, per-coordinate gains (+0.2 when the
  /// gradient's sign differs from the last update's, ×0.8 otherwise, at least 0.01; Jacobs
  /// 1988, as in van der Maaten's bhtsne and scikit-learn), update and gains reset when the
  /// exaggeration ends (scikit-learn), each point's step at most `maximumStep` long and the
  /// embedding re-centred after every step (openTSNE). Runs are deterministic: the same input
  /// and options give the same embedding whatever `Parallel.threads` is.
  /// - Parameters:
  ///   - x: [N, D] points, N ≥ 2.
  ///   - options: Settings; see `TSNEOptions`.
  ///   - progress: Called every 50 steps and after the last, with the KL divergence.
  ///   - shouldStop: Polled before every step; returning true ends the run early with the
  ///     embedding reached so far (Ctrl-C).
  /// - Returns: The embedding [N, dimensions] and its KL divergence.
  /// - Throws: `AnalysisError` for invalid input or options, or `.nonFinite(step:)` when the
  ///   descent diverges; `LinalgError` when the PCA initialisation fails.
  public static func embed(
    _ x: NDArray, options: TSNEOptions = TSNEOptions(),
    progress: ((TSNEProgress) -> Void)? = nil, shouldStop: () -> Bool = { false }
  ) throws -> TSNEResult {
    try validate(x, options)
    let p = affinities(checked: x, options: options)
    var run = Descent(
      p: p, start: try initialEmbedding(x, options: options), options: options,
      repulsion: repulsion(for: options))
    var stopped = false
    for step in 0..<options.iterations {
      if shouldStop() {
        stopped = true
        break
      }
      try run.step(step)
      if let progress, run.steps % 50 == 0, run.steps < options.iterations {
        progress(run.progress(kl: run.divergence().kl))
      }
    }
    let (kl, exact) = run.divergence()
    progress?(run.progress(kl: kl))
    return TSNEResult(
      embedding: NDArray(shape: [x.shape[0], options.dimensions], data: run.y.map { Float($0) }),
      kl: kl, klIsExact: exact, iterations: run.steps, stoppedEarly: stopped)
  }

  /// The joint affinities P of `x` under `options` (perplexity, affinities).
  /// - Parameter x: [N, D] points.
  /// - Returns: P with Σ pᵢⱼ = 1; see `AffinityMatrix`.
  /// - Throws: `AnalysisError` for invalid input or options.
  public static func affinities(_ x: NDArray, options: TSNEOptions = TSNEOptions()) throws
    -> AffinityMatrix
  {
    try validate(x, options)
    return affinities(checked: x, options: options)
  }

  static func affinities(checked x: NDArray, options: TSNEOptions) -> AffinityMatrix {
    let k = options.neighborCount(count: x.shape[0])
    return AffinityMatrix(
      graph: NearestNeighbors.search(x, k: k), perplexity: options.perplexity)
  }

  /// [N · dimensions] starting coordinates (see `TSNEOptions.Initialization`).
  static func initialEmbedding(_ x: NDArray, options: TSNEOptions) throws -> [Double] {
    let n = x.shape[0]
    if options.initialization == .pca {
      let scores = try PCA.scores(x, components: options.dimensions).data.map { Double($0) }
      let first = stride(from: 0, to: scores.count, by: options.dimensions).map { scores[$0] }
      let mean = orderedSum(first) / Double(n)
      let std = (orderedSum(first.map { ($0 - mean) * ($0 - mean) }) / Double(n)).squareRoot()
      // NOTE: inputs without variance have no axes to follow; they start at random instead.
      if std > 0 { return scores.map { $0 / std * 1e-4 } }
    }
    var rng = RandomStream(seed: options.seed)
    return rng.normal(n * options.dimensions, std: 1e-4).map { Double($0) }
  }

  static func repulsion(for options: TSNEOptions) -> any Repulsion {
    switch options.method {
    case .exact:
      return ExactRepulsion(dimensions: options.dimensions)
    case .barnesHut(let theta):
      return BarnesHutRepulsion(theta: theta)
    case .fft(let points, let boxes):
      return FFTRepulsion(interpolationPoints: points, minimumBoxes: boxes)
    }
  }
}

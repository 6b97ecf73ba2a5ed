import TensorCore

/// Settings of a t-SNE run (van der Maaten & Hinton 2008; Barnes–Hut: van der Maaten 2014;
/// FFT interpolation: Linderman et al. 2019). Defaults are those of scikit-learn and openTSNE:
/// perplexity 30, 1000 iterations of which 250 with early exaggeration 12, PCA initialisation.
public struct TSNEOptions: Sendable, Equatable {
  /// How the repulsive (normalisation) half of the gradient is computed.
  public enum Method: Sendable, Equatable {
    /// All N(N − 1) pairs: O(N²) time, exact; for small N and for checking the others.
    case exact
    /// A quadtree whose cells of side w at distance d are summarised by their centre of mass
    /// when w / d < θ (van der Maaten 2014, §4.2): O(N log N). 2-D embeddings only.
    case barnesHut(theta: Double = 0.5)
    /// Kernel sums interpolated on an equispaced grid and convolved by FFT (FIt-SNE,
    /// Linderman et al. 2019, §3): `interpolationPoints` Lagrange nodes per box, boxes of side
    /// at most 1, at least `minimumBoxes` per axis: O(N) plus the grid's FFT. 2-D only.
    case fft(interpolationPoints: Int = 3, minimumBoxes: Int = 50)
  }

  /// Where the embedding starts.
  public enum Initialization: Sendable, Equatable {
    /// The first principal components of the input, scaled so the first coordinate has
    /// standard deviation 1e-4 (openTSNE `initialization.pca`, scikit-learn `init="pca"`).
    case pca
    /// Independent normal coordinates with standard deviation 1e-4 drawn from `seed`.
    case random
  }

  /// Which pairs carry input affinity.
  public enum Affinities: Sendable, Equatable {
    /// Each point's k = min(N − 1, ⌊3·perplexity⌋) nearest neighbours (openTSNE's k; the
    /// Gaussian beyond 3σ-ish carries almost no mass): sparse P, O(N·k) memory.
    case nearestNeighbors
    /// Every other point (scikit-learn's `method="exact"`): dense P, O(N²) memory.
    case dense
  }

  /// The step size η of gradient descent.
  public enum LearningRate: Sendable, Equatable {
    /// η = max(N / α / 4, 50) with α the exaggeration of the current phase: N / 48 (at
    /// least 50) while P is exaggerated by 12, N / 4 afterwards. This is openTSNE's N / α
    /// (Belkina et al. 2019, Nat. Commun. 10:5415), whose gradient lacks the factor 4 of
    /// van der Maaten's eq. 5, in the convention of scikit-learn, whose `"auto"` keeps
    /// max(N / 12 / 4, 50) for the whole run and so converges more slowly after the early
    /// exaggeration.
    case auto
    /// A fixed η, for the gradient 4 Σⱼ (pᵢⱼ − qᵢⱼ) wᵢⱼ (yᵢ − yⱼ).
    case fixed(Double)
  }

  /// The effective number of neighbours each point's Gaussian covers (2^entropy in bits).
  public var perplexity: Double = 30
  /// Gradient steps in all, early exaggeration included.
  public var iterations: Int = 1000
  /// The factor α on P during the first `earlyExaggerationIterations` steps.
  public var earlyExaggeration: Double = 12
  /// Steps with exaggerated P and momentum 0.5 (afterwards P as is and momentum 0.8).
  public var earlyExaggerationIterations: Int = 250
  /// Step size; see `LearningRate`.
  public var learningRate: LearningRate = .auto
  /// Starting embedding; see `Initialization`.
  public var initialization: Initialization = .pca
  /// Repulsion method; see `Method`.
  public var method: Method = .barnesHut()
  /// Input affinities; see `Affinities`.
  public var affinities: Affinities = .nearestNeighbors
  /// The longest move of one point in one step, or nil for no limit (openTSNE's
  /// `max_step_norm`, 5 by default; see `TSNE.embed`).
  public var maximumStep: Double? = 5
  /// Seed of the random initialisation (PCA initialisation is deterministic).
  public var seed: UInt64 = 0
  /// Embedding dimension: any for `.exact`, 2 for `.barnesHut` and `.fft`.
  public var dimensions: Int = 2
  /// Up to this many points the reported KL divergence uses the exact normaliser
  /// Z = Σᵢ≠ⱼ wᵢⱼ (an O(N²) pass); above it, the method's own estimate of Z.
  public var exactKLLimit: Int = 5000

  /// The default settings.
  public init() {}

  /// The step size for `count` points while P is multiplied by `exaggeration`.
  public func resolvedLearningRate(count: Int, exaggeration: Double) -> Double {
    switch learningRate {
    case .auto: return max(Double(count) / exaggeration / 4, 50)
    case .fixed(let rate): return rate
    }
  }

  /// The number of neighbours with affinity for `count` points.
  public func neighborCount(count: Int) -> Int {
    switch affinities {
    case .nearestNeighbors: return max(0, min(count - 1, Int(3 * perplexity)))
    case .dense: return max(0, count - 1)
    }
  }
}

/// A snapshot reported every 50 iterations and at the end.
public struct TSNEProgress: Sendable, Equatable {
  /// Iterations completed.
  public var iteration: Int
  /// Iterations requested.
  public var total: Int
  /// KL(P ‖ Q) of the current embedding with P not exaggerated.
  public var kl: Double
  /// Whether the run is still in its early-exaggeration phase.
  public var exaggerating: Bool
}

/// The outcome of `TSNE.embed`.
public struct TSNEResult: Sendable, Equatable {
  /// [N, dimensions], centred at the origin.
  public var embedding: NDArray
  /// KL(P ‖ Q) = Σᵢⱼ pᵢⱼ log(pᵢⱼ / qᵢⱼ) of the final embedding.
  public var kl: Double
  /// True when `kl` used the exact normaliser Z, false when the method's estimate.
  public var klIsExact: Bool
  /// Gradient steps taken.
  public var iterations: Int
  /// True when `shouldStop` ended the run before `options.iterations`.
  public var stoppedEarly: Bool
}

import Foundation
import TensorCore

extension TSNE {
  /// The state of one gradient descent: embedding, last update, gains, and the workspace of
  /// the repulsion method. All coordinates are Double.
  struct Descent {
    let p: AffinityMatrix
    private let entries: Attraction.Entries
    let options: TSNEOptions
    let dimensions: Int
    /// [N · dimensions] row-major embedding.
    private(set) var y: [Double]
    private var update: [Double]
    private var gains: [Double]
    private var repulsion: any Repulsion
    private var attraction: [Double]
    private var repelling: [Double]
    /// Steps taken so far.
    private(set) var steps = 0

    init(p: AffinityMatrix, start: [Double], options: TSNEOptions, repulsion: any Repulsion) {
      self.p = p
      entries = Attraction.Entries(p)
      self.options = options
      dimensions = options.dimensions
      y = start
      update = [Double](repeating: 0, count: start.count)
      gains = [Double](repeating: 1, count: start.count)
      self.repulsion = repulsion
      attraction = update
      repelling = update
    }

    var exaggerating: Bool { steps < options.earlyExaggerationIterations }

    /// One step: gradient, gains, momentum update (each point's clipped to
    /// `options.maximumStep`), re-centring.
    /// - Throws: `AnalysisError.nonFinite(step:)` when the embedding stops being finite.
    mutating func step(_ index: Int) throws {
      if steps > 0 && steps == options.earlyExaggerationIterations { startSecondPhase() }
      let alpha = exaggerating ? options.earlyExaggeration : 1
      let momentum = exaggerating ? 0.5 : 0.8
      let learningRate = options.resolvedLearningRate(count: p.count, exaggeration: alpha)
      Attraction.forces(entries, y, dimensions: dimensions, scale: alpha, into: &attraction)
      let z = repulsion.forces(y, into: &repelling)
      let inverseZ = z > 0 ? 1 / z : 0
      for e in y.indices {
        let gradient = 4 * (attraction[e] - repelling[e] * inverseZ)
        gains[e] = update[e] * gradient < 0 ? gains[e] + 0.2 : max(gains[e] * 0.8, 0.01)
        update[e] = momentum * update[e] - learningRate * gains[e] * gradient
      }
      if let limit = options.maximumStep { clipSteps(to: limit) }
      var finite = true
      for e in y.indices {
        y[e] += update[e]
        finite = finite && y[e].isFinite
      }
      guard finite else { throw AnalysisError.nonFinite(step: index + 1) }
      recentre()
      steps += 1
    }

    /// Scales every point's update down to length `limit` where it is longer (openTSNE's
    /// `max_step_norm`): with η = N / 4 a few points would otherwise be flung far out, and
    /// the FFT grid, which spans the whole embedding, would grow with them.
    private mutating func clipSteps(to limit: Double) {
      let n = update.count / dimensions
      for i in 0..<n {
        var squared = 0.0
        for c in 0..<dimensions {
          squared += update[i * dimensions + c] * update[i * dimensions + c]
        }
        guard squared > limit * limit else { continue }
        let scale = limit / squared.squareRoot()
        for c in 0..<dimensions { update[i * dimensions + c] *= scale }
      }
    }

    /// Forgets the last update and the gains when the exaggeration ends, as scikit-learn's two
    /// calls of `_gradient_descent` do: both were tuned to the exaggerated P (on the test
    /// data, keeping them cost 3 % in final KL from random starts).
    private mutating func startSecondPhase() {
      for e in update.indices {
        update[e] = 0
        gains[e] = 1
      }
    }

    /// Subtracts the mean of each coordinate (summed in point order).
    private mutating func recentre() {
      let n = y.count / dimensions
      for c in 0..<dimensions {
        var sum = 0.0
        for i in 0..<n { sum += y[i * dimensions + c] }
        let mean = sum / Double(n)
        for i in 0..<n { y[i * dimensions + c] -= mean }
      }
    }

    /// KL(P ‖ Q) of the current embedding, P not exaggerated, and whether Z was exact.
    ///
    /// KL = Σ pᵢⱼ log pᵢⱼ − Σ pᵢⱼ log wᵢⱼ + log Z, using Σ pᵢⱼ = 1. Z is the exact O(N²) sum
    /// up to `options.exactKLLimit` points, else the repulsion method's estimate.
    mutating func divergence() -> (kl: Double, exact: Bool) {
      let exact = p.count <= options.exactKLLimit
      let z: Double
      if exact {
        z = ExactRepulsion.normalizer(y, dimensions: dimensions)
      } else {
        z = repulsion.forces(y, into: &repelling)
      }
      let kl =
        p.negativeEntropy - Attraction.logKernelSum(p, y, dimensions: dimensions)
        + Foundation.log(z)
      return (kl, exact)
    }

    func progress(kl: Double) -> TSNEProgress {
      TSNEProgress(
        iteration: steps, total: options.iterations, kl: kl, exaggerating: exaggerating)
    }
  }
}

import Foundation

/// The temperature-scaling objective on fixed logits (Guo et al., 2017):
/// L(T) = (1/N) Σᵢ [log Σₖ exp(zᵢₖ / T) − zᵢ[yᵢ] / T].
///
/// With u = log T and aᵢ = zᵢ / T (pᵢ = softmax(aᵢ)):
/// dL/du = (1/N) Σᵢ (aᵢ[yᵢ] − E_pᵢ[aᵢ]),  dL/dT = (dL/du) / T,
/// d²L/du² = (1/N) Σᵢ Var_pᵢ(aᵢ) − dL/du.
/// L is convex in β = 1/T, so it is unimodal in u: dL/du changes sign at most once.
struct TemperatureObjective {
  /// One evaluation at T.
  struct Point {
    var temperature: Double
    var nll: Double
    /// dL/du with u = log T.
    var slope: Double
    /// d²L/du².
    var curvature: Double
    /// dL/dT.
    var gradient: Double { slope / temperature }
  }

  let logits: [Double]
  let labels: [Int]
  let classCount: Int

  /// Row-major logits [N, K] and N labels (already validated).
  init(logits: [Double], labels: [Int], classCount: Int) {
    self.logits = logits
    self.labels = labels
    self.classCount = classCount
  }

  /// L, dL/du and d²L/du² at T (any T ≠ 0; the parity loop may step outside T > 0).
  func evaluate(_ temperature: Double) -> Point {
    var nll = 0.0
    var slope = 0.0
    var variance = 0.0
    var a = [Double](repeating: 0, count: classCount)
    var p = [Double](repeating: 0, count: classCount)
    for (row, label) in labels.enumerated() {
      let base = row * classCount
      var top = -Double.infinity
      for k in 0..<classCount {
        a[k] = logits[base + k] / temperature
        top = max(top, a[k])
      }
      var sum = 0.0
      for k in 0..<classCount {
        p[k] = exp(a[k] - top)
        sum += p[k]
      }
      var mean = 0.0
      for k in 0..<classCount {
        p[k] /= sum
        mean += p[k] * a[k]
      }
      var spread = 0.0
      for k in 0..<classCount { spread += p[k] * (a[k] - mean) * (a[k] - mean) }
      nll += top + log(sum) - a[label]
      slope += a[label] - mean
      variance += spread
    }
    let n = Double(labels.count)
    return Point(
      temperature: temperature, nll: nll / n, slope: slope / n,
      curvature: variance / n - slope / n)
  }
}

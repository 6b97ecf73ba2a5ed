import Foundation

/// The converged temperature fit: safeguarded Newton on u = log T (Numerical Recipes' rtsafe).
///
/// L(u) is unimodal (convex in β = e^(−u)), so its slope g(u) = dL/du changes sign once.
/// 1. Bracket: start at u = 0 (T = 1); step outwards to ±1, ±2, ±4, ±8 and then the bound until g
///    changes sign. No sign change before the bound means the infimum lies at the bound.
/// 2. Refine: Newton steps u ← u − g/g″ (g″ = mean Var_p(a) − g) while they stay inside the
///    bracket and shrink at least twice as fast as bisection would; otherwise bisect.
/// Stops when |g| ≤ tolerance (default 1e-10) or the bracket is below 1e-15 in u.
extension TemperatureScaling {
  static func convergedFit(_ objective: TemperatureObjective, _ options: TemperatureFitOptions)
    -> TemperatureFit
  {
    var search = ConvergedSearch(objective: objective, options: options)
    let stop = search.run()
    let end = search.last
    return TemperatureFit(
      temperature: end.temperature, method: .converged, stop: stop,
      iterations: search.trace.count, evaluations: search.evaluations, gradient: end.gradient,
      nllBefore: search.start.nll, nllAfter: end.nll, trace: search.trace,
      sampleCount: objective.labels.count)
  }
}

/// The state of one converged search.
struct ConvergedSearch {
  let objective: TemperatureObjective
  let options: TemperatureFitOptions
  /// The evaluation at T = 1.
  let start: TemperatureObjective.Point
  /// The most recent evaluation (the result once `run()` returns).
  private(set) var last: TemperatureObjective.Point
  private(set) var evaluations = 1
  private(set) var trace: [Double] = []

  init(objective: TemperatureObjective, options: TemperatureFitOptions) {
    self.objective = objective
    self.options = options
    start = objective.evaluate(1)
    last = start
  }

  /// Brackets and refines; returns why it stopped.
  mutating func run() -> TemperatureFitStop {
    let tolerance = options.tolerance
    if abs(start.slope) <= tolerance { return .converged }
    let lowest = log(options.bounds.lowerBound)
    let highest = log(options.bounds.upperBound)
    // The minimum lies on the side where the NLL decreases.
    let downwards = start.slope > 0
    var inner = 0.0
    var reached = false
    for step in [1.0, 2.0, 4.0, 8.0, .infinity] {
      let u = downwards ? max(-step, lowest) : min(step, highest)
      let point = evaluate(u)
      if downwards ? point.slope < 0 : point.slope > 0 {
        reached = true
        break
      }
      if u == lowest || u == highest { break }
      inner = u
    }
    guard reached else { return downwards ? .lowerBound : .upperBound }
    let outer = log(last.temperature)
    return refine(lower: downwards ? outer : inner, upper: downwards ? inner : outer)
  }

  /// rtsafe on g(u) inside [lower, upper] with g(lower) < 0 < g(upper).
  private mutating func refine(lower: Double, upper: Double) -> TemperatureFitStop {
    var (lo, hi) = (lower, upper)
    var u = 0.5 * (lo + hi)
    var point = evaluate(u)
    var stepBeforeLast = hi - lo
    var lastStep = stepBeforeLast
    for _ in 0..<options.maxIterations {
      if abs(point.slope) <= options.tolerance { return .converged }
      if point.slope < 0 { lo = u } else { hi = u }
      let newton = point.curvature > 0 ? u - point.slope / point.curvature : .nan
      let fastEnough = abs(2 * point.slope) <= abs(stepBeforeLast * point.curvature)
      stepBeforeLast = lastStep
      if newton > lo && newton < hi && fastEnough {
        lastStep = u - newton
        u = newton
      } else {
        lastStep = 0.5 * (hi - lo)
        u = lo + lastStep
      }
      if abs(lastStep) <= 1e-15 * max(1, abs(u)) || hi - lo <= 1e-15 { return .stalled }
      point = evaluate(u)
    }
    return .iterationLimit
  }

  private mutating func evaluate(_ u: Double) -> TemperatureObjective.Point {
    // At a bound, evaluate the bound itself (not exp(log(bound))) so the result reads exactly.
    var t = exp(u)
    if u <= log(options.bounds.lowerBound) { t = options.bounds.lowerBound }
    if u >= log(options.bounds.upperBound) { t = options.bounds.upperBound }
    last = objective.evaluate(t)
    evaluations += 1
    trace.append(last.temperature)
    return last
  }
}

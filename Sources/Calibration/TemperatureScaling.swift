import Foundation
import TensorCore

/// How temperature scaling searches for T.
public enum TemperatureFitMethod: String, Sendable, CaseIterable {
  /// Minimise the NLL to convergence: safeguarded Newton on u = log T (bisection whenever the
  /// Newton step leaves the current bracket or shrinks too slowly).
  case converged
  /// Reproduce the reference loop exactly: T₀ = 1.5 and one `torch.optim.LBFGS(lr=0.01,
  /// max_iter=50)` `.step(closure)` without line search (gpleiss/temperature_scaling,
  /// docs/ALGORITHMS.md §9.3). That loop moves T only about 1 % of a secant step per iteration and
  /// typically stops around halfway from 1.5 to the optimum; the paper's TS and MTS numbers come
  /// from it.
  case parity
}

/// Why a temperature fit stopped.
public enum TemperatureFitStop: String, Sendable, CaseIterable {
  /// |dNLL/dlog T| fell below the tolerance (for parity: torch's `tolerance_grad` on dNLL/dT).
  case converged
  /// The bracket or step became too small to make progress.
  case stalled
  /// The iteration limit was reached (parity mode's normal ending: 50 iterations).
  case iterationLimit
  /// torch's `max_eval` closure-evaluation limit was reached (parity only).
  case evaluationLimit
  /// The L-BFGS direction was no longer a descent direction (parity only).
  case notDescending
  /// The loss changed by less than torch's `tolerance_change` (parity only).
  case lossStalled
  /// NLL still decreased at the smallest allowed T: the logits separate the validation set
  /// (every sample is classified correctly), so the optimum is T → 0.
  case lowerBound
  /// NLL still decreased at the largest allowed T: the logits carry no usable signal.
  case upperBound
}

/// Settings of `torch.optim.LBFGS` for the parity loop; the defaults are gpleiss's call.
public struct TorchLBFGSSettings: Sendable, Equatable {
  /// Fixed step scale `lr` (no line search).
  public var learningRate: Double = 0.01
  /// `max_iter`.
  public var maxIterations: Int = 50
  /// `max_eval`; nil means torch's default max_iter · 5 / 4.
  public var maxEvaluations: Int? = nil
  /// `tolerance_grad` on max |g|.
  public var gradientTolerance: Double = 1e-7
  /// `tolerance_change` on the step and on the loss change.
  public var changeTolerance: Double = 1e-9
  /// `history_size`.
  public var historySize: Int = 100

  /// torch's defaults with gpleiss's lr and max_iter.
  public init() {}
}

/// Options of a temperature fit.
public struct TemperatureFitOptions: Sendable, Equatable {
  /// Converged (default) or reference parity.
  public var method: TemperatureFitMethod
  /// Converged: stop when |dNLL/dlog T| ≤ this.
  public var tolerance: Double = 1e-10
  /// Converged: Newton/bisection iterations after bracketing.
  public var maxIterations: Int = 200
  /// Converged: the search stays in this range of T (it must contain 1, where it starts).
  public var bounds: ClosedRange<Double> = 1e-4...1e4
  /// Parity: the starting temperature (gpleiss: 1.5).
  public var initialTemperature: Double = 1.5
  /// Parity: the L-BFGS settings.
  public var lbfgs = TorchLBFGSSettings()

  /// Options for `method` with the defaults above.
  public init(method: TemperatureFitMethod = .converged) { self.method = method }

  /// Throws `CalibrationError.invalidOption` for a setting outside its range.
  public func validate() throws {
    try Check.option(tolerance > 0, "tolerance", tolerance, "a positive number")
    try Check.option(maxIterations >= 1, "iterations", maxIterations, "at least 1")
    try Check.option(
      bounds.lowerBound > 0 && bounds.contains(1) && bounds.upperBound.isFinite, "bounds", bounds,
      "0 < T_min ≤ 1 ≤ T_max < ∞")
    try Check.option(
      initialTemperature > 0 && initialTemperature.isFinite, "t0", initialTemperature,
      "a finite T > 0")
    try Check.option(
      lbfgs.learningRate > 0 && lbfgs.maxIterations >= 1 && lbfgs.historySize >= 1, "lbfgs",
      "lr \(lbfgs.learningRate), \(lbfgs.maxIterations) iterations", "lr > 0, ≥ 1 iteration")
  }
}

/// The outcome of fitting T on validation logits.
public struct TemperatureFit: Sendable, Equatable {
  /// The fitted T > 0 (calibrated probabilities are softmax(z / T)).
  public var temperature: Double
  /// How it was found.
  public var method: TemperatureFitMethod
  /// Why the search stopped.
  public var stop: TemperatureFitStop
  /// Iterations taken (bracketing plus Newton/bisection, or L-BFGS iterations).
  public var iterations: Int
  /// Objective evaluations.
  public var evaluations: Int
  /// dNLL/dT at the fitted T.
  public var gradient: Double
  /// Validation NLL at T = 1.
  public var nllBefore: Double
  /// Validation NLL at the fitted T.
  public var nllAfter: Double
  /// T after each iteration.
  public var trace: [Double]
  /// Number of validation samples.
  public var sampleCount: Int
}

/// Temperature scaling (Guo et al., 2017; eq. 1 of the paper): one scalar T > 0 divides the
/// logits, p = softmax(z / T), chosen to minimise the validation NLL. Argmax, hence accuracy,
/// never changes, and the model's weights are not touched.
///
/// `.converged` finds the NLL minimum to |dNLL/dlog T| ≤ 1e-10. `.parity` replays the
/// reference's under-converged torch L-BFGS loop, whose result depends on T₀ = 1.5 and usually
/// lies between 1.5 and the optimum; use it only to reproduce the paper's numbers.
public enum TemperatureScaling {
  /// Fits T on validation logits.
  /// - Parameters:
  ///   - logits: [N, K], finite, K ≥ 2.
  ///   - labels: N labels in 0..<K.
  ///   - options: method and tolerances.
  /// - Throws: `CalibrationError` for bad input or options, or when the parity loop ends at
  ///   T ≤ 0.
  public static func fit(
    logits: NDArray, labels: [Int], options: TemperatureFitOptions = TemperatureFitOptions()
  ) throws -> TemperatureFit {
    guard logits.rank == 2, logits.shape[1] >= 2 else {
      throw CalibrationError.logitsShape(logits.shape)
    }
    return try fit(
      logits: logits.data.map(Double.init), classCount: logits.shape[1], labels: labels,
      options: options)
  }

  /// Fits T on row-major Double logits [N, K] (e.g. float64 logits exported from another
  /// framework; nothing is rounded to Float32).
  /// - Throws: as `fit(logits:labels:options:)`.
  public static func fit(
    logits: [Double], classCount: Int, labels: [Int],
    options: TemperatureFitOptions = TemperatureFitOptions()
  ) throws -> TemperatureFit {
    _ = try LogitSet(logits: logits, classCount: classCount, labels: labels)  // the input checks
    try options.validate()
    let objective = TemperatureObjective(logits: logits, labels: labels, classCount: classCount)
    switch options.method {
    case .converged: return convergedFit(objective, options)
    case .parity: return try parityFit(objective, options)
    }
  }

  /// The reference loop: torch L-BFGS from T₀ on the scalar T.
  static func parityFit(_ objective: TemperatureObjective, _ options: TemperatureFitOptions)
    throws -> TemperatureFit
  {
    let run = ScalarLBFGS(options.lbfgs).minimize(from: options.initialTemperature) { t in
      let point = objective.evaluate(t)
      return (point.nll, point.gradient)
    }
    guard run.x > 0, run.x.isFinite else {
      throw CalibrationError.temperatureNotPositive(run.x)
    }
    let end = objective.evaluate(run.x)
    return TemperatureFit(
      temperature: run.x, method: .parity, stop: run.stop, iterations: run.trace.count,
      evaluations: run.evaluations, gradient: end.gradient, nllBefore: objective.evaluate(1).nll,
      nllAfter: end.nll, trace: run.trace, sampleCount: objective.labels.count)
  }
}

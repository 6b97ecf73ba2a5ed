import Autodiff
import Foundation
import TensorCore

/// Numerical checks of reverse-mode gradients and Hessian-vector products (after ggml's
/// `test-backend-ops` `eval_grad`).
///
/// **First order** (`check`). The output y = f(x₁, …, xₖ) is projected onto a fixed random
/// weight w, L = Σ w ⊙ y, summed in Double from the Float output. The analytic gradient is
/// `gradients(of: y, wrt: xs, seed: w)`; the numeric one perturbs one input element at a time
/// with the 4-point central difference
///
///     ∂L/∂x ≈ (8·(L(x + ε) − L(x − ε)) − (L(x + 2ε) − L(x − 2ε))) / 12ε,
///
/// whose truncation error is O(ε⁴) (the 2-point form, O(ε²), is available as `.central2`).
/// The rounding error is about 1.5·δ/ε, with δ ≈ 6e-8 · Σ|w ⊙ y| the Float error of L, so
/// ε of 1e-2 to 3e-2 suits smooth ops on inputs of order 1; non-smooth ops need inputs
/// whose ±2ε perturbations cross no kink (see `TestInputs`).
///
/// **Second order** (`hessianVector`). For a scalar f and a random direction v, the analytic
/// product is Hv = ∇ₓ⟨∇ₓf, v⟩ (the first gradient taken with `createGraph: true`); the numeric
/// one is the central difference of the analytic first gradient along v,
/// (∇f(x + εv) − ∇f(x − εv)) / 2ε, or its 4-point form.
///
/// An element passes when |analytic − numeric| ≤ max(atol, rtol · max(|analytic|, |numeric|))
/// (`Approx.isClose`). At most `maxElementsPerInput` seeded random elements of each input are
/// compared.
public enum GradientCheck {
  /// The finite-difference formula.
  public enum Stencil: Sendable {
    /// (F(+ε) − F(−ε)) / 2ε, error O(ε²).
    case central2
    /// (8(F(+ε) − F(−ε)) − (F(+2ε) − F(−2ε))) / 12ε, error O(ε⁴).
    case central4

    /// Step multiples and their weights: derivative ≈ Σ weight · F(step · ε) / ε.
    var terms: [(step: Float, weight: Double)] {
      switch self {
      case .central2: return [(1, 0.5), (-1, -0.5)]
      case .central4: return [(1, 8.0 / 12), (-1, -8.0 / 12), (2, -1.0 / 12), (-2, 1.0 / 12)]
      }
    }
  }

  /// One compared element.
  public struct Element: CustomStringConvertible {
    /// Which input (position in `inputs`).
    public let input: Int
    /// Flat index into that input.
    public let index: Int
    public let analytic: Double
    public let numeric: Double
    /// |analytic − numeric| / allowed error (≤ 1 passes).
    public let ratio: Double

    /// |analytic − numeric|.
    public var absoluteError: Double { Swift.abs(analytic - numeric) }

    public var description: String {
      "input \(input) [\(index)]: analytic \(analytic), numeric \(numeric)"
        + " (error \(String(format: "%.3g", absoluteError)))"
    }
  }

  /// The outcome of a check; `passed` for `#expect`, `description` for its message.
  public struct Report: CustomStringConvertible {
    /// "gradient" or "Hessian-vector product".
    public let kind: String
    /// Number of elements compared.
    public let checked: Int
    /// Elements outside tolerance.
    public let failures: [Element]
    /// The element with the largest error ratio.
    public let worst: Element?
    /// The largest |analytic − numeric| over all compared elements.
    public let worstAbsoluteError: Double
    public let rtol: Double
    public let atol: Double

    /// True when at least one element was compared and all are within tolerance.
    public var passed: Bool { checked > 0 && failures.isEmpty }

    public var description: String {
      var text = "\(kind) check: \(failures.count) of \(checked) elements outside"
      text += " rtol \(rtol), atol \(atol); worst absolute error"
      text += " \(String(format: "%.3g", worstAbsoluteError))"
      if let worst { text += "; worst relative to tolerance: \(worst)" }
      for failure in failures.prefix(8) { text += "\n  \(failure)" }
      if failures.count > 8 { text += "\n  … \(failures.count - 8) more" }
      return text
    }
  }

  // MARK: - First order

  /// Compares the analytic gradient of ⟨w, f(inputs)⟩ with central differences.
  ///
  /// - Parameters:
  ///   - inputs: the points at which to differentiate; each becomes a leaf requiring gradients.
  ///   - eps: the finite-difference step.
  ///   - rtol: relative tolerance.
  ///   - atol: absolute tolerance.
  ///   - maxElementsPerInput: cap on compared elements per input (a seeded random subset).
  ///   - seed: seeds w and the element subset.
  ///   - stencil: the difference formula; 4-point by default.
  ///   - f: the function under test; it must not depend on anything but its arguments.
  /// - Returns: the comparison report.
  public static func check(
    inputs: [NDArray], eps: Float, rtol: Double, atol: Double, maxElementsPerInput: Int = 64,
    seed: UInt64, stencil: Stencil = .central4, _ f: ([Tensor]) -> Tensor
  ) -> Report {
    var rng = RandomStream(seed: seed, stream: 21)
    let leaves = inputs.map { Tensor($0, requiresGrad: true) }
    let output = f(leaves)
    let weights = NDArray(shape: output.shape, data: rng.uniform(output.count, low: -1, high: 1))
    let analytic = gradients(of: output, wrt: leaves, seed: Tensor(weights)).map(\.value)
    // The perturbed inputs stay leaves requiring gradients, so an f that differentiates
    // internally (gradient matching) sees the same graph as in the analytic pass.
    func loss(_ xs: [NDArray]) -> Double {
      let y = f(xs.map { Tensor($0, requiresGrad: true) }).value
      precondition(y.shape == weights.shape, "GradientCheck: output shape changed to \(y.shape)")
      return y.dot(weights)
    }
    var compared: [Element] = []
    for (k, indices) in sampleIndices(inputs, maxElementsPerInput, &rng).enumerated() {
      for i in indices {
        var numeric = 0.0
        for term in stencil.terms {
          var xs = inputs
          xs[k].data[i] += term.step * eps
          numeric += term.weight * loss(xs)
        }
        numeric /= Double(eps)
        compared.append(element(k, i, Double(analytic[k].data[i]), numeric, rtol, atol))
      }
    }
    return report("gradient", compared, rtol, atol)
  }

  // MARK: - Second order

  /// Compares the analytic Hessian-vector product of a scalar f with central differences of
  /// its analytic gradient along the same direction.
  ///
  /// - Parameters:
  ///   - inputs: the point x; each input becomes a leaf requiring gradients.
  ///   - direction: v, one array per input of the same shape; uniform on [−1, 1) from `seed`
  ///     when nil.
  ///   - eps: the step along v.
  ///   - rtol: relative tolerance.
  ///   - atol: absolute tolerance.
  ///   - maxElementsPerInput: cap on compared elements per input.
  ///   - seed: seeds v and the element subset.
  ///   - stencil: the difference formula; 4-point by default.
  ///   - f: a scalar-valued function of the inputs.
  /// - Returns: the comparison report.
  public static func hessianVector(
    inputs: [NDArray], direction: [NDArray]? = nil, eps: Float, rtol: Double, atol: Double,
    maxElementsPerInput: Int = 64, seed: UInt64, stencil: Stencil = .central4,
    _ f: ([Tensor]) -> Tensor
  ) -> Report {
    var rng = RandomStream(seed: seed, stream: 22)
    let v =
      direction
      ?? inputs.map { NDArray(shape: $0.shape, data: rng.uniform($0.count, low: -1, high: 1)) }
    precondition(zip(v, inputs).allSatisfy { $0.shape == $1.shape }, "direction shapes")
    let analytic = hessianVectorProduct(inputs, v, f)
    func gradient(_ t: Float) -> [NDArray] {
      let xs = zip(inputs, v).map { x, d in x + d * t }
      let leaves = xs.map { Tensor($0, requiresGrad: true) }
      return gradients(of: f(leaves), wrt: leaves).map(\.value)
    }
    var numeric = inputs.map { [Double](repeating: 0, count: $0.count) }
    for term in stencil.terms {
      for (k, g) in gradient(term.step * eps).enumerated() {
        for i in 0..<g.count { numeric[k][i] += term.weight * Double(g.data[i]) / Double(eps) }
      }
    }
    var compared: [Element] = []
    for (k, indices) in sampleIndices(inputs, maxElementsPerInput, &rng).enumerated() {
      for i in indices {
        compared.append(element(k, i, Double(analytic[k].data[i]), numeric[k][i], rtol, atol))
      }
    }
    return report("Hessian-vector product", compared, rtol, atol)
  }

  /// Hv = ∇ₓ⟨∇ₓf(x), v⟩ by double backward.
  public static func hessianVectorProduct(
    _ inputs: [NDArray], _ v: [NDArray], _ f: ([Tensor]) -> Tensor
  ) -> [NDArray] {
    let leaves = inputs.map { Tensor($0, requiresGrad: true) }
    let loss = f(leaves)
    precondition(loss.count == 1, "hessianVector needs a scalar function, got \(loss.shape)")
    let first = gradients(of: loss, wrt: leaves, createGraph: true)
    var projection = Tensor(scalar: 0)
    for (g, d) in zip(first, v) { projection = projection + (g * Tensor(d)).sum() }
    return gradients(of: projection, wrt: leaves).map(\.value)
  }

  // MARK: - Helpers

  /// Up to `cap` distinct flat indices per input, ascending, chosen by `rng`.
  static func sampleIndices(_ inputs: [NDArray], _ cap: Int, _ rng: inout RandomStream) -> [[Int]] {
    inputs.map { x in
      if x.count <= cap { return Array(0..<x.count) }
      return rng.permutation(x.count).prefix(cap).sorted()
    }
  }

  static func element(
    _ input: Int, _ index: Int, _ analytic: Double, _ numeric: Double, _ rtol: Double,
    _ atol: Double
  ) -> Element {
    Element(
      input: input, index: index, analytic: analytic, numeric: numeric,
      ratio: Approx.errorRatio(analytic, numeric, rtol: rtol, atol: atol))
  }

  static func report(_ kind: String, _ compared: [Element], _ rtol: Double, _ atol: Double)
    -> Report
  {
    let failures = compared.filter {
      !Approx.isClose($0.analytic, $0.numeric, rtol: rtol, atol: atol)
    }
    let worst = compared.max { $0.ratio < $1.ratio || $1.ratio.isNaN }
    let worstAbsolute = compared.map(\.absoluteError).max() ?? 0
    return Report(
      kind: kind, checked: compared.count, failures: failures, worst: worst,
      worstAbsoluteError: worstAbsolute, rtol: rtol, atol: atol)
  }
}

import Autodiff
import TensorCore
import TestSupport
import Testing

/// Runs `GradientCheck.check` and records an issue carrying the report when it fails.
///
/// Defaults suit smooth ops on inputs of order 1: ε = 1e-2 with the 4-point stencil leaves a
/// truncation error near 1e-9 and a Float rounding error near 1e-4 · Σ|w ⊙ y| / Σ|y|. The worst
/// error measured over this suite is 2e-4 (log-softmax of logits near 50, where x ± ε itself
/// rounds), most ops stay below 5e-5.
@discardableResult
func expectGradient(
  _ label: String, inputs: [NDArray], eps: Float = 1e-2, rtol: Double = 1e-3, atol: Double = 5e-4,
  maxElementsPerInput: Int = 64, seed: UInt64 = 1,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) -> GradientCheck.Report {
  let report = GradientCheck.check(
    inputs: inputs, eps: eps, rtol: rtol, atol: atol, maxElementsPerInput: maxElementsPerInput,
    seed: seed, f)
  #expect(report.passed, "\(label): \(report)", sourceLocation: sourceLocation)
  return report
}

/// Runs `GradientCheck.hessianVector` and records an issue carrying the report when it fails.
@discardableResult
func expectHessianVector(
  _ label: String, inputs: [NDArray], direction: [NDArray]? = nil, eps: Float = 1e-2,
  rtol: Double = 2e-3, atol: Double = 2e-3, seed: UInt64 = 1,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) -> GradientCheck.Report {
  let report = GradientCheck.hessianVector(
    inputs: inputs, direction: direction, eps: eps, rtol: rtol, atol: atol, seed: seed, f)
  #expect(report.passed, "\(label): \(report)", sourceLocation: sourceLocation)
  return report
}

import Autodiff
import NN
import TensorCore

/// EDD's model augmentation by weight perturbation (docs/ALGORITHMS.md §15.2): the sampled
/// early-stage parameters θ move along two random filter-normalised directions,
///
///     θ' = θ + a·d₁ + b·d₂,   |a|, |b| ~ U[minimum, maximum], signs ±1 with probability ½,
///
/// where each dₖ is Gaussian noise whose every row (a conv filter [in, kh, kw] or a linear
/// output row) is rescaled to the norm of the same row of θ (Li et al.'s filter
/// normalisation), and is zero on 1-D tensors (biases, norm γ and β), which stay unperturbed.
public enum WeightPerturbation {
  /// θ' for `parameters`; the same `rng` state gives the same θ'. With maximum 0 the values
  /// are returned unchanged (and `rng` is not advanced).
  public static func perturbed(
    _ parameters: ParameterSet, minimum: Float, maximum: Float, rng: inout RandomStream
  ) -> ParameterSet {
    guard maximum > 0 else { return parameters }
    let first = direction(parameters, rng: &rng)
    let second = direction(parameters, rng: &rng)
    let a = coefficient(minimum, maximum, rng: &rng)
    let b = coefficient(minimum, maximum, rng: &rng)
    let tensors = parameters.tensors.indices.map { i -> Tensor in
      var value = parameters.tensors[i].value
      value.addScaled(first[i], a)
      value.addScaled(second[i], b)
      return Tensor(value)
    }
    return parameters.replacing(tensors)
  }

  /// One filter-normalised Gaussian direction, aligned with `parameters`.
  static func direction(_ parameters: ParameterSet, rng: inout RandomStream) -> [NDArray] {
    parameters.tensors.map { tensor in
      let w = tensor.value
      guard w.rank >= 2 else { return NDArray.zeros(w.shape) }
      var d = rng.normal(w.count)
      let width = w.count / w.shape[0]
      for row in 0..<w.shape[0] {
        let range = (row * width)..<((row + 1) * width)
        let wNorm = norm(w.data[range])
        let dNorm = norm(d[range])
        // The reference's 1e-10 keeps an all-zero noise row finite.
        let scale = Float(wNorm / (dNorm + 1e-10))
        for k in range { d[k] *= scale }
      }
      return NDArray(shape: w.shape, data: d)
    }
  }

  /// ±U[minimum, maximum].
  static func coefficient(_ minimum: Float, _ maximum: Float, rng: inout RandomStream) -> Float {
    let magnitude = rng.uniform(1, low: minimum, high: maximum)[0]
    return rng.nextDouble() < 0.5 ? -magnitude : magnitude
  }

  private static func norm(_ values: ArraySlice<Float>) -> Double {
    values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
  }
}

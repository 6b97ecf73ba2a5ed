import TensorCore

/// Parameter initialisers.
public enum Initializers {
  /// PyTorch's default for Conv2d and Linear weights and biases (kaiming_uniform with a = √5,
  /// which reduces to U(−1/√fan_in, 1/√fan_in)); fan_in = in_channels·KH·KW or in_features.
  public static func pytorchDefault(shape: [Int], fanIn: Int, rng: inout RandomStream) -> NDArray {
    let bound = 1 / Float(fanIn).squareRoot()
    return NDArray(shape: shape, data: rng.uniform(Shape.count(shape), low: -bound, high: bound))
  }
}

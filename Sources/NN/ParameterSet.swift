import Autodiff
import TensorCore

/// An ordered list of named parameters ("conv1.weight", …), the explicit state a model runs
/// on. Models never hide parameters: MTT's unrolled student and DC's gradient matching call
/// the same forward with a different `ParameterSet`.
public struct ParameterSet {
  /// Dotted parameter paths, in the reference order (docs/ALGORITHMS.md §1.3: conv.w, conv.b,
  /// norm.γ, norm.β, …).
  public private(set) var names: [String]
  /// The parameters, aligned with `names`.
  public var tensors: [Tensor]

  /// Pairs names and tensors (same count).
  public init(names: [String], tensors: [Tensor]) {
    precondition(names.count == tensors.count, "ParameterSet: names and tensors differ in count")
    self.names = names
    self.tensors = tensors
  }

  /// Number of tensors.
  public var count: Int { tensors.count }
  /// Total number of scalar parameters.
  public var scalarCount: Int { tensors.map(\.count).reduce(0, +) }
  /// The tensor named `name`, if any.
  public subscript(name: String) -> Tensor? {
    names.firstIndex(of: name).map { tensors[$0] }
  }

  /// The raw values.
  public var values: [NDArray] { tensors.map(\.value) }

  /// Fresh leaves holding the same values, with `requiresGrad` set (to differentiate a loss).
  public func asLeaves(requiringGrad: Bool = true) -> ParameterSet {
    ParameterSet(
      names: names, tensors: tensors.map { Tensor($0.value, requiresGrad: requiringGrad) })
  }

  /// Same names, new tensors.
  public func replacing(_ tensors: [Tensor]) -> ParameterSet {
    ParameterSet(names: names, tensors: tensors)
  }

  /// All parameters concatenated into one vector (MTT's flat parameter vector).
  public var flattened: NDArray {
    NDArray(shape: [scalarCount], data: tensors.flatMap(\.value.data))
  }

  /// Replaces the values from a flat vector in the same order.
  public func unflattened(_ flat: NDArray) -> ParameterSet {
    precondition(flat.count == scalarCount, "unflatten: \(flat.count) for \(scalarCount)")
    var offset = 0
    var out: [Tensor] = []
    for t in tensors {
      let part = Array(flat.data[offset..<(offset + t.count)])
      out.append(Tensor(NDArray(shape: t.shape, data: part)))
      offset += t.count
    }
    return replacing(out)
  }
}

import TensorCore

/// A node of the reverse-mode graph: a value plus, when it was computed from tensors that
/// require gradients, the rule that maps an upstream gradient to its parents' gradients.
///
/// Backward rules are written in differentiable `Tensor` ops, so the gradients returned by
/// `gradients(of:wrt:createGraph: true)` are themselves graph nodes and can be
/// differentiated again (DC's gradient matching, MTT's unrolled student;
/// docs/ALGORITHMS.md §5, §7).
public final class Tensor {
  /// Maps the upstream gradient (shape of `value`) and this node to one gradient per parent
  /// (nil where a parent needs none).
  public typealias BackwardRule = (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]

  /// The computed array.
  public let value: NDArray
  /// Whether gradients flow to or through this node.
  public let requiresGrad: Bool
  let parents: [Tensor]
  let rule: BackwardRule?
  /// Short op name for debugging and error messages.
  public let op: String
  /// Gradient filled by `backward()`, the convenience API.
  public var grad: Tensor?

  /// A leaf tensor; set `requiresGrad` for parameters and for images being distilled.
  public init(_ value: NDArray, requiresGrad: Bool = false) {
    self.value = value
    self.requiresGrad = requiresGrad
    self.parents = []
    self.rule = nil
    self.op = "leaf"
  }

  private init(value: NDArray, parents: [Tensor], op: String, rule: @escaping BackwardRule) {
    self.value = value
    self.requiresGrad = true
    self.parents = parents
    self.rule = rule
    self.op = op
  }

  /// Records an op result. The node joins the graph only when gradient recording is on and a
  /// parent requires gradients; otherwise it is a constant leaf.
  public static func record(
    _ value: NDArray, parents: [Tensor], op: String, rule: @escaping BackwardRule
  ) -> Tensor {
    guard GradMode.isEnabled, parents.contains(where: \.requiresGrad) else {
      return Tensor(value)
    }
    return Tensor(value: value, parents: parents, op: op, rule: rule)
  }

  /// Shape of `value`.
  public var shape: [Int] { value.shape }
  /// Rank of `value`.
  public var rank: Int { value.rank }
  /// Element count of `value`.
  public var count: Int { value.count }
  /// The value of a one-element tensor.
  public var scalar: Float { value.scalar }

  /// The same value cut off from the graph.
  public func detached() -> Tensor { Tensor(value) }

  /// A constant tensor of `shape` filled with `value`.
  public static func full(_ value: Float, shape: [Int]) -> Tensor {
    Tensor(NDArray(repeating: value, shape: shape))
  }

  /// A rank-0 constant.
  public convenience init(scalar: Float) { self.init(NDArray(scalar: scalar)) }
}

/// Whether ops record graph nodes. Off inside `withoutGradients`, which is also how a
/// backward pass with `createGraph: false` runs at full speed.
///
/// NOTE: the setting is task-local (thread-local outside Swift concurrency), so concurrent
/// tasks — Swift Testing runs tests in parallel — cannot switch each other's recording off.
/// Work handed to another thread (a `DispatchQueue`, a detached task) starts with recording on.
public enum GradMode {
  @TaskLocal private static var recording = true

  /// True unless inside `withoutGradients`.
  public static var isEnabled: Bool { recording }

  /// Runs `body` with graph recording off (PyTorch's `no_grad`).
  public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try $recording.withValue(false, operation: body)
  }

  /// Runs `body` with recording on even inside a `withoutGradients` scope.
  public static func withGradients<R>(_ body: () throws -> R) rethrows -> R {
    try $recording.withValue(true, operation: body)
  }
}

import TensorCore

/// Reverse-mode gradients of `output` with respect to `inputs`.
///
/// - Parameters:
///   - output: the tensor to differentiate; a scalar unless `seed` is given.
///   - inputs: tensors to differentiate with respect to (leaves or intermediate nodes).
///   - seed: the upstream gradient ⟨seed, output⟩ (shape of `output`); defaults to 1.
///   - createGraph: when true the returned gradients are graph nodes that can be
///     differentiated again (second order); when false the pass runs without recording.
/// - Returns: one gradient per input, zeros where the input does not affect `output`.
public func gradients(
  of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil, createGraph: Bool = false
) -> [Tensor] {
  precondition(seed != nil || output.count == 1, "gradients of a non-scalar need a seed")
  let start = seed ?? Tensor.full(1, shape: output.shape)
  if createGraph {
    return GradMode.withGradients { backpropagate(output, inputs, start) }
  }
  return GradMode.withoutGradients { backpropagate(output, inputs, start) }
}

extension Tensor {
  /// Convenience: fills `grad` of every leaf in `leaves` with d(self)/d(leaf).
  public func backward(into leaves: [Tensor]) {
    for (leaf, g) in zip(leaves, gradients(of: self, wrt: leaves)) { leaf.grad = g }
  }
}

private func backpropagate(_ output: Tensor, _ inputs: [Tensor], _ seed: Tensor) -> [Tensor] {
  let order = topologicalOrder(output)
  let wanted = Set(inputs.map(ObjectIdentifier.init))
  let relevant = nodesLeading(to: wanted, order)
  var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(output): seed]
  var found: [ObjectIdentifier: Tensor] = [:]
  BackwardScope.$relevant.withValue(relevant) {
    for node in order.reversed() {
      let id = ObjectIdentifier(node)
      guard let g = pending.removeValue(forKey: id), relevant.contains(id) else { continue }
      if wanted.contains(id) { found[id] = g }
      guard let rule = node.rule else { continue }
      let parentGrads = rule(g, node)
      for (parent, pg) in zip(node.parents, parentGrads) {
        guard let pg, relevant.contains(ObjectIdentifier(parent)) else { continue }
        precondition(
          pg.shape == parent.shape, "\(node.op): gradient \(pg.shape) for \(parent.shape)")
        let key = ObjectIdentifier(parent)
        pending[key] = pending[key].map { $0 + pg } ?? pg
      }
    }
  }
  return inputs.map { found[ObjectIdentifier($0)] ?? Tensor(NDArray.zeros($0.shape)) }
}

/// The nodes of `order` (parents before children) from which a wanted tensor is reached
/// through parents, the wanted ones included: only their gradients are formed.
private func nodesLeading(to wanted: Set<ObjectIdentifier>, _ order: [Tensor])
  -> Set<ObjectIdentifier>
{
  var relevant = Set<ObjectIdentifier>()
  for node in order {
    let id = ObjectIdentifier(node)
    if wanted.contains(id)
      || node.parents.contains(where: { relevant.contains(ObjectIdentifier($0)) })
    {
      relevant.insert(id)
    }
  }
  return relevant
}

/// The backward pass running on this thread, for `Tensor.needsGradient`.
enum BackwardScope {
  @TaskLocal static var relevant: Set<ObjectIdentifier>?
}

extension Tensor {
  /// Whether the backward pass now running needs this tensor's gradient: it requires
  /// gradients and, inside `gradients(of:wrt:)`, leads to one of the tensors asked for.
  /// Rules skip the products of the others — gradient matching's pass to the images forms
  /// no filter gradient, its pass to the parameters no gradient of the images.
  public var needsGradient: Bool {
    requiresGrad && (BackwardScope.relevant?.contains(ObjectIdentifier(self)) ?? true)
  }
}

/// Nodes reachable from `root` through gradient-requiring edges, parents before children
/// (iterative depth-first search, so deep unrolled graphs cannot overflow the stack).
private func topologicalOrder(_ root: Tensor) -> [Tensor] {
  var order: [Tensor] = []
  var visited = Set<ObjectIdentifier>()
  var stack: [(Tensor, Int)] = [(root, 0)]
  visited.insert(ObjectIdentifier(root))
  while let (node, next) = stack.popLast() {
    if next < node.parents.count {
      stack.append((node, next + 1))
      let parent = node.parents[next]
      if parent.requiresGrad && visited.insert(ObjectIdentifier(parent)).inserted {
        stack.append((parent, 0))
      }
    } else {
      order.append(node)
    }
  }
  return order
}

import Autodiff
import TensorCore
import TestSupport
import Testing

/// Hand-checkable cases of the gradient API (after tinygrad `test/unit/test_gradient.py`).
@Suite struct GradientsTests {
  static func leaf(_ data: [Float], _ shape: [Int]) -> Tensor {
    Tensor(NDArray(shape: shape, data: data), requiresGrad: true)
  }

  @Test func broadcastGradientsSumBack() {
    let a = Self.leaf([1, 2, 3, 4, 5, 6], [2, 3])
    let b = Self.leaf([10, 20, 30], [3])
    let c = Self.leaf([2], [])
    let g = gradients(of: ((a + b) * c).sum(), wrt: [a, b, c])
    #expect(g[0].value == NDArray(repeating: 2, shape: [2, 3]))
    #expect(g[1].value == NDArray(shape: [3], data: [4, 4, 4]))
    #expect(g[2].value == NDArray(scalar: 21 + 120))
    let column = Self.leaf([1, 2], [2, 1])
    let row = Self.leaf([1, 2, 3], [1, 3])
    let h = gradients(of: (column * row).sum(), wrt: [column, row])
    #expect(h[0].value == NDArray(shape: [2, 1], data: [6, 6]))
    #expect(h[1].value == NDArray(shape: [1, 3], data: [3, 3, 3]))
  }

  /// Rules see `needsGradient` true only for parents that lead to a requested tensor, and
  /// the gradients they then skip change nothing.
  @Test func rulesFormOnlyTheGradientsAskedFor() {
    let (a, b) = (Self.leaf([1, 2], [2]), Self.leaf([3, 4], [2]))
    var seen: [[Bool]] = []
    let y = Tensor.record(a.value * b.value, parents: [a, b], op: "probe") { g, _ in
      seen.append([a.needsGradient, b.needsGradient])
      return [g * b, g * a]
    }
    let loss = (y * y).sum()
    _ = gradients(of: loss, wrt: [a])
    _ = gradients(of: loss, wrt: [b])
    _ = gradients(of: loss, wrt: [a, b])
    #expect(seen == [[true, false], [false, true], [true, true]])
    #expect(a.needsGradient && !Tensor(a.value).needsGradient)

    let x = Tensor(TestInputs.uniform([2, 3, 6, 6], seed: 190), requiresGrad: true)
    let w = Tensor(TestInputs.uniform([4, 3, 3, 3], seed: 191), requiresGrad: true)
    let out = (x.conv2d(w, padding: 1).tanh() * x.conv2d(w, padding: 1)).sum()
    let both = gradients(of: out, wrt: [x, w])
    #expect(gradients(of: out, wrt: [x])[0].value == both[0].value)
    #expect(gradients(of: out, wrt: [w])[0].value == both[1].value)
  }

  @Test func unusedInputGetsZeroGradient() {
    let x = Self.leaf([1, 2], [2])
    let unused = Self.leaf([1, 2, 3], [3])
    let constant = Tensor(NDArray(shape: [2], data: [5, 5]))
    let g = gradients(of: (x * 3).sum(), wrt: [x, unused, constant])
    #expect(g[0].value.data == [3, 3])
    #expect(g[1].value == NDArray.zeros([3]))
    #expect(g[2].value == NDArray.zeros([2]))
  }

  @Test func customSeedIsTheUpstreamGradient() {
    let x = Self.leaf([1, 2, 3, 4], [2, 2])
    let seed = Tensor(NDArray(shape: [2, 2], data: [1, 0, -1, 2]))
    let g = gradients(of: x * x, wrt: [x], seed: seed)[0]
    #expect(g.value.data == [2, 0, -6, 16])
    // A non-scalar output needs a seed; the seed of a scalar defaults to 1.
    let s = gradients(of: (x * 2).sum(), wrt: [x], seed: Tensor(NDArray(scalar: 0.5)))[0]
    #expect(s.value.data == [1, 1, 1, 1])
  }

  @Test func reusedNodeAccumulates() {
    let x = Self.leaf([3], [1])
    let y = x * 2
    let g = gradients(of: (y * y + y).sum(), wrt: [x, y])
    #expect(g[0].value.data == [2 * (2 * 6 + 1)])
    #expect(g[1].value.data == [2 * 6 + 1])
  }

  @Test func createGraphControlsWhetherGradientsAreNodes() {
    let x = Self.leaf([1, 2], [2])
    let loss = (x * x * x).sum()
    let plain = gradients(of: loss, wrt: [x])[0]
    #expect(!plain.requiresGrad)
    #expect(plain.op == "leaf")
    #expect(plain.value.data == [3, 12])
    let graph = gradients(of: loss, wrt: [x], createGraph: true)[0]
    #expect(graph.requiresGrad)
    #expect(graph.value.data == [3, 12])
    // The plain gradient is a constant: differentiating it again gives zero.
    #expect(gradients(of: plain.sum(), wrt: [x])[0].value == NDArray.zeros([2]))
    #expect(gradients(of: graph.sum(), wrt: [x])[0].value.data == [6, 12])
  }

  @Test func withoutGradientsMakesConstants() {
    let x = Self.leaf([1, 2], [2])
    let y = GradMode.withoutGradients { (x * x).exp().sum() }
    #expect(!y.requiresGrad)
    #expect(gradients(of: y, wrt: [x])[0].value == NDArray.zeros([2]))
    #expect(GradMode.isEnabled)
    GradMode.withoutGradients {
      #expect(!GradMode.isEnabled)
      GradMode.withoutGradients { #expect(!GradMode.isEnabled) }
      #expect(!GradMode.isEnabled)
      let recorded = GradMode.withGradients { x * x }
      #expect(recorded.requiresGrad)
      #expect(!GradMode.isEnabled)
    }
    #expect(GradMode.isEnabled)
    #expect((x * x).requiresGrad)
  }

  @Test func detachedCutsTheGraph() {
    let x = Self.leaf([2], [1])
    let y = (x * x.detached()).sum()
    #expect(gradients(of: y, wrt: [x])[0].value.data == [2])
    #expect(!x.detached().requiresGrad)
  }

  @Test func gradientWithRespectToIntermediateNode() {
    let x = Self.leaf([1, 2], [2])
    let y = x * 2
    let z = y.square().sum()
    let g = gradients(of: z, wrt: [y, x])
    #expect(g[0].value.data == [4, 8])
    #expect(g[1].value.data == [8, 16])
  }

  @Test func backwardIntoFillsGrad() {
    let a = Self.leaf([1, 2], [2])
    let b = Self.leaf([3, 4], [2])
    (a * b).sum().backward(into: [a, b])
    #expect(a.grad?.value.data == [3, 4])
    #expect(b.grad?.value.data == [1, 2])
  }

  @Test func deepChainDoesNotOverflowTheStack() {
    let x = Self.leaf([1], [1])
    var y = x
    for _ in 0..<20_000 { y = y + x * 0.5 }
    #expect(gradients(of: y.sum(), wrt: [x])[0].value.data == [10_001])
  }

  @Test func constantOutputGivesZeros() {
    let x = Self.leaf([1, 2], [2])
    let c = Tensor(NDArray(scalar: 4))
    #expect(gradients(of: c, wrt: [x])[0].value == NDArray.zeros([2]))
  }
}

extension GradientsTests {
  @Test func gradModeIsPerTask() async {
    // Half the tasks sit inside withoutGradients while the others record: with a process-wide
    // switch the recording tasks would intermittently get constants.
    let x = Tensor(NDArray(shape: [2], data: [1, 2]), requiresGrad: true)
    let results = await withTaskGroup(of: Bool.self) { group in
      for task in 0..<8 {
        group.addTask {
          var ok = true
          for _ in 0..<200 {
            if task % 2 == 0 {
              ok = ok && GradMode.withoutGradients { !(x * x).requiresGrad && !GradMode.isEnabled }
            } else {
              ok = ok && (x * x).requiresGrad && GradMode.isEnabled
            }
          }
          return ok
        }
      }
      return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(results == [Bool](repeating: true, count: 8))
  }
}

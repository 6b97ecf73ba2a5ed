import TensorCore

extension TSNE {
  /// Throws the first problem with `x` or `options`, so that a shell command never traps.
  static func validate(_ x: NDArray, _ options: TSNEOptions) throws {
    let what = "tsne"
    guard x.rank == 2, x.shape[1] > 0 else {
      throw AnalysisError.notMatrix(what: what, shape: x.shape)
    }
    let n = x.shape[0]
    guard n >= 2 else { throw AnalysisError.tooFewPoints(what: what, count: n, minimum: 2) }
    guard x.isFinite else { throw AnalysisError.nonFiniteInput(what: what) }
    if let (name, value, expected) = problem(with: options, count: n, features: x.shape[1]) {
      throw AnalysisError.invalidOption(name: name, value: value, expected: expected)
    }
  }

  /// The first invalid setting as (name, value, what was expected), or nil.
  static func problem(with o: TSNEOptions, count n: Int, features: Int)
    -> (String, String, String)?
  {
    if !(o.perplexity > 0 && o.perplexity < Double(n)) {
      return ("perplexity", "\(o.perplexity)", "a value in (0, \(n)), below the number of points")
    }
    if o.neighborCount(count: n) < 1 {
      return ("perplexity", "\(o.perplexity)", "≥ 1/3, or no point has a neighbour")
    }
    if o.iterations < 0 { return ("iterations", "\(o.iterations)", "≥ 0") }
    if o.earlyExaggerationIterations < 0 {
      return ("exaggeration_iterations", "\(o.earlyExaggerationIterations)", "≥ 0")
    }
    if !(o.earlyExaggeration > 0 && o.earlyExaggeration.isFinite) {
      return ("exaggeration", "\(o.earlyExaggeration)", "a positive number")
    }
    let rate = o.resolvedLearningRate(count: n, exaggeration: o.earlyExaggeration)
    if !(rate > 0 && rate.isFinite) { return ("learning_rate", "\(rate)", "a positive number") }
    if let step = o.maximumStep, !(step > 0) { return ("max_step", "\(step)", "a positive number") }
    if o.dimensions < 1 { return ("dimensions", "\(o.dimensions)", "≥ 1") }
    if o.initialization == .pca && o.dimensions > min(n, features) {
      return ("dimensions", "\(o.dimensions)", "≤ min(N, D) = \(min(n, features)) for a PCA start")
    }
    return methodProblem(o)
  }

  private static func methodProblem(_ o: TSNEOptions) -> (String, String, String)? {
    switch o.method {
    case .exact:
      return nil
    case .barnesHut(let theta):
      if o.dimensions != 2 { return ("dimensions", "\(o.dimensions)", "2 for Barnes–Hut") }
      return theta >= 0 && theta.isFinite ? nil : ("theta", "\(theta)", "a number ≥ 0")
    case .fft(let points, let boxes):
      if o.dimensions != 2 { return ("dimensions", "\(o.dimensions)", "2 for the FFT method") }
      if !(1...8).contains(points) { return ("interpolation_points", "\(points)", "1...8") }
      return (1...InterpolationLayout.maximumBoxes).contains(boxes)
        ? nil : ("minimum_boxes", "\(boxes)", "1...\(InterpolationLayout.maximumBoxes)")
    }
  }
}

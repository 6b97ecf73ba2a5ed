import TensorCore
import TestSupport
import Testing

@Suite struct LinalgTests {
  /// A seeded symmetric n × n matrix: B + Bᵀ with B uniform on [-1, 1).
  static func symmetric(_ n: Int, seed: UInt64) -> NDArray {
    let b = TestInputs.uniform([n, n], seed: seed)
    return b + b.transposed
  }

  /// max |MᵀM − I| (columns orthonormal) or max |MMᵀ − I| (`rows`).
  static func orthogonalityError(_ m: NDArray, rows: Bool = false) -> Float {
    let gram = rows ? m.matmul(m, transposeOther: true) : m.matmul(m, transposeSelf: true)
    let n = gram.shape[0]
    var worst: Float = 0
    for i in 0..<n {
      for j in 0..<n { worst = max(worst, abs(gram.data[i * n + j] - (i == j ? 1 : 0))) }
    }
    return worst
  }

  // MARK: - symmetricEigen

  @Test(arguments: [1, 2, 5, 33, 100])
  func eigenReconstructsOrthonormalAscending(n: Int) throws {
    let a = Self.symmetric(n, seed: 200 + UInt64(n))
    let (w, v) = try Linalg.symmetricEigen(a)
    #expect(w.shape == [n] && v.shape == [n, n])
    let rebuilt = (v * w).matmul(v, transposeOther: true)  // V · diag(w) · Vᵀ
    let comparison = Approx.compare(rebuilt, a, rtol: 1e-4, atol: 1e-4)
    #expect(comparison.passed, "n = \(n): \(comparison)")
    #expect(Self.orthogonalityError(v) < 1e-5)
    #expect(zip(w.data, w.data.dropFirst()).allSatisfy { $0 <= $1 }, "\(w)")
  }

  @Test func eigenOfHandMatrix() throws {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3 with eigenvectors (1, −1)/√2 and (1, 1)/√2.
    let (w, v) = try Linalg.symmetricEigen(NDArray(shape: [2, 2], data: [2, 1, 1, 2]))
    #expect(Approx.compare(w.data, [1, 3], rtol: 1e-6, atol: 1e-6).passed, "\(w)")
    let r = 0.5.squareRoot()
    // Columns are unique up to sign: fix the sign of each by its first entry.
    let first = v.data[0] < 0 ? -1 : Float(1)
    let second = v.data[1] < 0 ? -1 : Float(1)
    let signed = [v.data[0] * first, v.data[1] * second, v.data[2] * first, v.data[3] * second]
    #expect(Approx.compare(signed, [r, r, -r, r], rtol: 1e-6, atol: 1e-6).passed, "\(v)")
  }

  @Test func eigenOfDiagonalIsItsSortedDiagonal() throws {
    var a = NDArray.zeros([4, 4])
    for (i, value) in [3, -1, 7, 0].enumerated() { a.data[i * 4 + i] = Float(value) }
    let (w, v) = try Linalg.symmetricEigen(a)
    #expect(w.data == [-1, 0, 3, 7])
    // Column j is the unit vector of the diagonal entry that became w[j].
    let expected: [Double] = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]
    #expect(Approx.compare(v.data.map(abs), expected, atol: 1e-6).passed, "\(v)")
  }

  @Test func eigenReadsOnlyTheLowerTriangle() throws {
    let a = Self.symmetric(6, seed: 210)
    var skewed = a
    for i in 0..<6 { for j in (i + 1)..<6 { skewed.data[i * 6 + j] = 99 } }
    #expect(try Linalg.symmetricEigen(skewed).values == Linalg.symmetricEigen(a).values)
  }

  // MARK: - svd

  static let svdShapes: [(Int, Int)] = [(1, 1), (4, 4), (7, 3), (3, 7), (1, 5), (5, 1), (40, 17)]

  @Test(arguments: svdShapes, [false, true])
  func svdReconstructsWithOrthonormalFactors(shape: (Int, Int), full: Bool) throws {
    let (m, n) = shape
    let k = min(m, n)
    let a = TestInputs.uniform([m, n], seed: 220 + UInt64(m * 64 + n))
    let (u, s, vt) = try Linalg.svd(a, fullMatrices: full)
    #expect(u.shape == [m, full ? m : k] && s.shape == [k] && vt.shape == [full ? n : k, n])
    // U · diag(s) · Vᵀ uses the first k columns of U and rows of Vᵀ.
    let rebuilt = (u.slice(lower: [0, 0], upper: [m, k]) * s)
      .matmul(vt.slice(lower: [0, 0], upper: [k, n]))
    let comparison = Approx.compare(rebuilt, a, rtol: 1e-4, atol: 1e-5)
    #expect(comparison.passed, "\(m)×\(n) full \(full): \(comparison)")
    #expect(Self.orthogonalityError(u) < 1e-5)
    #expect(Self.orthogonalityError(vt, rows: true) < 1e-5)
    #expect(s.data.allSatisfy { $0 >= 0 })
    #expect(zip(s.data, s.data.dropFirst()).allSatisfy { $0 >= $1 }, "\(s)")
  }

  @Test func singularValuesAreRootsOfGramEigenvalues() throws {
    let a = TestInputs.uniform([12, 5], seed: 230)
    let s = try Linalg.svd(a).s
    let w = try Linalg.symmetricEigen(a.matmul(a, transposeSelf: true)).values
    let expected = w.data.reversed().map { Double($0.squareRoot()) }
    #expect(Approx.compare(s.data, expected, rtol: 1e-4, atol: 1e-5).passed)
  }

  @Test func svdOfHandMatrix() throws {
    // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5, so s = (3√5, √5).
    let (u, s, vt) = try Linalg.svd(NDArray(shape: [2, 2], data: [3, 0, 4, 5]))
    #expect(Approx.compare(s.data, [3 * 5.0.squareRoot(), 5.0.squareRoot()], rtol: 1e-6).passed)
    let r = 0.5.squareRoot()
    #expect(Approx.compare(vt.data.map(abs), [r, r, r, r], rtol: 1e-5).passed, "\(vt)")
    #expect(Approx.compare(u.data.map(abs), [1, 3, 3, 1].map { $0 / 10.0.squareRoot() }).passed)
  }

  @Test func svdOfRankOneMatrixHasOneNonzeroValue() throws {
    let x = NDArray(shape: [3, 1], data: [1, 2, 2])
    let y = NDArray(shape: [1, 4], data: [2, 0, 1, 2])
    let s = try Linalg.svd(x.matmul(y)).s  // ‖x‖ ‖y‖ = 3 · 3
    #expect(Approx.isClose(s.data[0], 9, rtol: 1e-6))
    #expect(s.data.dropFirst().allSatisfy { abs($0) < 1e-5 }, "\(s)")
  }

  @Test func emptyMatricesGiveEmptyFactors() throws {
    let (w, v) = try Linalg.symmetricEigen(NDArray.zeros([0, 0]))
    #expect(w.shape == [0] && v.shape == [0, 0])
    let thin = try Linalg.svd(NDArray.zeros([3, 0]))
    #expect(thin.u.shape == [3, 0] && thin.s.shape == [0] && thin.vt.shape == [0, 0])
    let full = try Linalg.svd(NDArray.zeros([2, 0]), fullMatrices: true)
    #expect(full.u == NDArray(shape: [2, 2], data: [1, 0, 0, 1]) && full.vt.shape == [0, 0])
  }

  // MARK: - Errors

  @Test func rejectsBadInputWithoutTrapping() {
    let nan = NDArray(shape: [2, 2], data: [1, .nan, 0, 1])
    #expect(throws: LinalgError.notMatrix(op: "svd", shape: [4])) {
      try Linalg.svd(NDArray.zeros([4]))
    }
    #expect(throws: LinalgError.notMatrix(op: "symmetricEigen", shape: [1, 2, 2])) {
      try Linalg.symmetricEigen(NDArray.zeros([1, 2, 2]))
    }
    #expect(throws: LinalgError.notSquare(op: "symmetricEigen", shape: [2, 3])) {
      try Linalg.symmetricEigen(NDArray.zeros([2, 3]))
    }
    #expect(throws: LinalgError.nonFinite(op: "svd")) { try Linalg.svd(nan) }
    #expect(throws: LinalgError.nonFinite(op: "symmetricEigen")) {
      try Linalg.symmetricEigen(nan * Float.infinity)
    }
  }

  @Test func messagesNameTheProblem() {
    let cases: [(LinalgError, String)] = [
      (
        .notSquare(op: "symmetricEigen", shape: [2, 3]),
        "symmetricEigen: got shape [2, 3], expected a square matrix [n, n]"
      ),
      (.notMatrix(op: "svd", shape: [4]), "svd: got shape [4], expected a matrix [m, n]"),
      (.nonFinite(op: "svd"), "svd: the matrix contains NaN or infinity"),
      (.didNotConverge(routine: "ssyevd", info: 7), "ssyevd did not converge (info 7)"),
      (.didNotConverge(routine: "sgesdd", info: -4), "sgesdd: illegal value in argument 4"),
    ]
    for (error, message) in cases { #expect(error.description == message) }
  }
}

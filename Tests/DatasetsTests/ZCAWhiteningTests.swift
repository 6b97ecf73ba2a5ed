import Foundation
import TensorCore
import Testing

@testable import Datasets

/// Fixtures/zca.json, written by Scripts/reference/zca_reference.py (float64 numpy, kornia's
/// formulas, ε = 0.1).
struct ZCAFixture: Decodable {
  let shape: [Int]
  let testShape: [Int]
  let epsilon: Double
  let input: [Double]
  let testInput: [Double]
  let mean: [Double]
  let eigenvalues: [Double]
  let transform: [Double]
  let inverse: [Double]
  let whitened: [Double]
  let testWhitened: [Double]

  var images: NDArray { NDArray(shape: shape, data: input.map { Float($0) }) }
  var testImages: NDArray { NDArray(shape: testShape, data: testInput.map { Float($0) }) }

  static func load() throws -> ZCAFixture {
    let url = URL(fileURLWithPath: TestFiles.fixture("zca.json"))
    return try JSONDecoder().decode(ZCAFixture.self, from: Data(contentsOf: url))
  }
}

@Suite struct ZCAWhiteningTests {
  /// Seeded pixel-like images in [0, 1) with correlated channels.
  static func images(_ shape: [Int], seed: UInt64) -> NDArray {
    var rng = RandomStream(seed: seed)
    let plane = Shape.count(Array(shape.dropFirst(2)))
    let shared = rng.uniform(shape[0] * plane)
    let own = rng.uniform(Shape.count(shape))
    let data = (0..<own.count).map { i in
      0.6 * shared[(i / (shape[1] * plane)) * plane + i % plane] + 0.4 * own[i]
    }
    return NDArray(shape: shape, data: data)
  }

  /// The largest |actual − expected| as a fraction of the largest |expected|.
  static func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
    precondition(actual.count == expected.count, "\(actual.count) vs \(expected.count)")
    let scale = expected.map(abs).max() ?? 0
    let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
    return worst / max(scale, 1e-30)
  }

  /// Covariance of the rows of x [N, D] (flattened samples) in Double, unbiased.
  static func covariance(_ x: NDArray) -> [Double] {
    let n = x.shape[0]
    let d = x.count / n
    let rows = (0..<n).map { r in x.data[(r * d)..<((r + 1) * d)].map(Double.init) }
    var mean = [Double](repeating: 0, count: d)
    for row in rows { for c in 0..<d { mean[c] += row[c] / Double(n) } }
    var cov = [Double](repeating: 0, count: d * d)
    for row in rows {
      let centred = (0..<d).map { row[$0] - mean[$0] }
      for i in 0..<d { for j in 0..<d { cov[i * d + j] += centred[i] * centred[j] } }
    }
    return cov.map { $0 / Double(n - 1) }
  }

  // MARK: - Reference

  @Test func matchesKorniaReference() throws {
    let fixture = try ZCAFixture.load()
    let zca = try ZCAWhitening.fit(fixture.images, epsilon: Float(fixture.epsilon))
    let checks: [(String, [Float], [Double])] = [
      ("mean", zca.mean.data, fixture.mean),
      ("transform", zca.transform.data, fixture.transform),
      ("inverse", zca.inverse.data, fixture.inverse),
      ("whitened", try zca.whiten(fixture.images).data, fixture.whitened),
      ("held-out whitened", try zca.whiten(fixture.testImages).data, fixture.testWhitened),
    ]
    for (name, actual, expected) in checks {
      let error = Self.relativeError(actual, expected)
      #expect(error < 1e-4, "\(name): relative error \(error)")
    }
    #expect(zca.mean.shape == [1, 18] && zca.transform.shape == [18, 18])
    #expect(try zca.whiten(fixture.images).shape == fixture.shape)
    #expect(zca.epsilon == 0.1 && ZCAWhitening.defaultEpsilon == 0.1)
  }

  // MARK: - Properties

  @Test func whitenedCovarianceIsDampedByEpsilon() throws {
    let fixture = try ZCAFixture.load()
    let zca = try ZCAWhitening.fit(fixture.images)
    // T · Cov · T = U · diag(λ / (λ + ε)) · Uᵀ, whose eigenvalues are λ / (λ + ε).
    let whitenedCov = Self.covariance(try zca.whiten(fixture.images))
    let w = try Linalg.symmetricEigen(
      NDArray(shape: [18, 18], data: whitenedCov.map { Float($0) }))
    let expected = fixture.eigenvalues.reversed().map { $0 / ($0 + fixture.epsilon) }
    let error = Self.relativeError(w.values.data, expected)
    #expect(error < 1e-4, "eigenvalues \(w.values) vs \(expected)")
    let damping = try Linalg.symmetricEigen(
      NDArray(shape: [18, 18], data: fixture.transform.map { Float($0) }))
    let basis = damping.vectors  // T and Cov share eigenvectors
    let shrink = NDArray(
      shape: [18],
      data: damping.values.data.map { t in
        let lambda = 1 / Double(t * t) - fixture.epsilon  // t = 1 / √(λ + ε)
        return Float(lambda / (lambda + fixture.epsilon))
      })
    let rebuilt = (basis * shrink).matmul(basis, transposeOther: true)
    #expect(Self.relativeError(rebuilt.data, whitenedCov) < 1e-4)
  }

  @Test func smallEpsilonWhitensToIdentity() throws {
    let x = Self.images([400, 2, 3, 2], seed: 7)
    let zca = try ZCAWhitening.fit(x, epsilon: 1e-6)
    let cov = Self.covariance(try zca.whiten(x))
    let identity = (0..<144).map { $0 % 13 == 0 ? 1.0 : 0.0 }
    #expect(Self.relativeError(cov.map { Float($0) }, identity) < 1e-3)
  }

  @Test func unwhitenInvertsWhiten() throws {
    let x = Self.images([30, 3, 2, 2], seed: 8)
    let zca = try ZCAWhitening.fit(x)
    let roundTrip = try zca.unwhiten(zca.whiten(x))
    #expect(Self.relativeError(roundTrip.data, x.data.map(Double.init)) < 1e-5)
    let y = Self.images([5, 12, 1, 1], seed: 9)
    #expect(
      Self.relativeError(try zca.whiten(zca.unwhiten(y)).data, y.data.map(Double.init)) < 1e-5)
    let product = zca.transform.matmul(zca.inverse)
    let identity = (0..<144).map { $0 % 13 == 0 ? 1.0 : 0.0 }
    #expect(Self.relativeError(product.data, identity) < 1e-5)
  }

  @Test func fewerSamplesThanFeaturesStaysFinite() throws {
    // Rank ≤ N − 1 = 4 of 18: the other eigenvalues are rounding noise around 0.
    let x = Self.images([5, 2, 3, 3], seed: 10)
    let zca = try ZCAWhitening.fit(x)
    let whitened = try zca.whiten(x)
    #expect(zca.transform.isFinite && zca.inverse.isFinite && whitened.isFinite)
    #expect(Self.relativeError(try zca.unwhiten(whitened).data, x.data.map(Double.init)) < 1e-4)
  }

  @Test func blockedCovarianceMatchesOneBlock() throws {
    let n = 2 * ZCAWhitening.rowsPerBlock + 37
    let x = Self.images([n, 2, 1, 3], seed: 11)
    let flat = x.reshaped([n, 6])
    let cov = ZCAWhitening.covariance(flat, mean: ZCAWhitening.columnMeans(flat))
    #expect(Self.relativeError(cov.data, Self.covariance(x)) < 1e-4)
    let zca = try ZCAWhitening.fit(x)
    let whitened = try zca.whiten(x)
    // The last row lies in the partial third block: (x − μ) · T in Double.
    var last = [Double](repeating: 0, count: 6)
    for j in 0..<6 {
      for i in 0..<6 {
        let centred = Double(x.data[(n - 1) * 6 + i]) - Double(zca.mean.data[i])
        last[j] += centred * Double(zca.transform.data[i * 6 + j])
      }
    }
    #expect(Self.relativeError(Array(whitened.data.suffix(6)), last) < 1e-5)
  }

  // MARK: - Files

  @Test func saveAndLoadRoundTrip() throws {
    let zca = try ZCAWhitening.fit(Self.images([20, 3, 2, 2], seed: 12), epsilon: 0.25)
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/zca.npz"
      try zca.save(to: path)
      #expect(try NPZ.read(path).names == ["mean", "transform", "inverse", "epsilon"])
      #expect(try NPZ.read(path)["epsilon"]?.shape == [])
      #expect(try ZCAWhitening.load(path: path) == zca)
      #expect(try TestFiles.listing(dir) == ["zca.npz"])
    }
  }

  @Test func loadRejectsBrokenArchives() throws {
    let zca = try ZCAWhitening.fit(Self.images([10, 1, 2, 2], seed: 13))
    let parts: [(String, NPYArray)] = [
      ("mean", NPYArray(zca.mean)), ("transform", NPYArray(zca.transform)),
      ("inverse", NPYArray(zca.inverse)), ("epsilon", NPYArray(NDArray(scalar: 0.1))),
    ]
    try TestFiles.withTemporaryDirectory { dir in
      let path = dir + "/bad.npz"
      try NPZ.write(Array(parts.prefix(3)), to: path)
      #expect(
        throws: DatasetError.missingMember(
          path: path, name: "epsilon", available: ["mean", "transform", "inverse"])
      ) { try ZCAWhitening.load(path: path) }
      var wrongShape = parts
      wrongShape[2] = ("inverse", NPYArray(NDArray.zeros([3, 4])))
      try NPZ.write(wrongShape, to: path)
      #expect(
        throws: DatasetError.invalidArgument(
          op: "zca", argument: "inverse", value: "shape [3, 4]", expected: "shape [4, 4]")
      ) { try ZCAWhitening.load(path: path) }
      var integers = parts
      integers[0] = ("mean", try NPYArray(int64: [1, 2, 3, 4], shape: [1, 4]))
      try NPZ.write(integers, to: path)
      #expect(
        throws: DatasetError.badHeader(
          path: path + "[mean.npy]", offset: 0, expected: "float elements", found: "<i8")
      ) { try ZCAWhitening.load(path: path) }
    }
  }

  // MARK: - Errors

  @Test func fitRejectsBadTrainingSets() {
    let cases: [(NDArray, Float, String)] = [
      (Self.images([1, 3, 2, 2], seed: 14), 0.1, "samples"),
      (NDArray.zeros([0, 3, 2, 2]), 0.1, "samples"),
      (NDArray.zeros([4, 0]), 0.1, "features per sample"),
      (Self.images([4, 3, 2, 2], seed: 15), 0, "epsilon"),
      (Self.images([4, 3, 2, 2], seed: 15), .nan, "epsilon"),
      (NDArray(shape: [2, 2], data: [0, 1, .infinity, 0]), 0.1, "images"),
    ]
    for (images, epsilon, argument) in cases {
      do {
        _ = try ZCAWhitening.fit(images, epsilon: epsilon)
        Issue.record("fit accepted \(images.shape) with ε \(epsilon)")
      } catch let error as DatasetError {
        guard case .invalidArgument(let op, let named, _, _) = error else {
          Issue.record("unexpected \(error)")
          continue
        }
        #expect(op == "zca fit" && named == argument, "\(error)")
      } catch {
        Issue.record("unexpected \(error)")
      }
    }
    let one = #expect(throws: DatasetError.self) {
      try ZCAWhitening.fit(Self.images([1, 3, 2, 2], seed: 14))
    }
    #expect(
      one?.description
        == "zca fit: samples is 1, expected at least 2 (the covariance divides by N − 1)")
    #expect(throws: ShapeError.mismatch(op: "zca fit", shape: [5], expected: "[N, C, H, W]")) {
      try ZCAWhitening.fit(NDArray.zeros([5]))
    }
  }

  @Test func applyingRejectsOtherSampleSizes() throws {
    let zca = try ZCAWhitening.fit(Self.images([6, 3, 2, 2], seed: 16))
    let expected = "[N, …] with 12 elements per sample"
    let wide = NDArray.zeros([6, 3, 2, 3])
    #expect(throws: ShapeError.mismatch(op: "zca whiten", shape: wide.shape, expected: expected)) {
      try zca.whiten(wide)
    }
    #expect(throws: ShapeError.mismatch(op: "zca unwhiten", shape: [12], expected: expected)) {
      try zca.unwhiten(NDArray.zeros([12]))
    }
    #expect(try zca.whiten(NDArray.zeros([2, 12])).shape == [2, 12])  // any [N, …] of 12
    #expect(try zca.whiten(NDArray.zeros([0, 3, 2, 2])).shape == [0, 3, 2, 2])
    #expect(throws: DatasetError.self) {
      try ZCAWhitening(mean: zca.mean, transform: zca.inverse, inverse: zca.inverse, epsilon: -1)
    }
  }
}

import Analysis
import Datasets
import Foundation
import TensorCore
import Testing

/// Fixtures/svd.json and the .npy inputs beside it, written by
/// Scripts/reference/svd_reference.py (numpy, float64 SVD of the float32 data).
struct SVDReference: Decodable {
  struct Case: Decodable {
    let name: String
    let singular_values: [Double]
    let rank: Int
    let fraction: Double
    let dropped: Int
    let rebuilt: [Double]
  }

  let cases: [Case]

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static func load() throws -> [String: Case] {
    let data = try Data(contentsOf: directory.appendingPathComponent("svd.json"))
    let cases = try JSONDecoder().decode(SVDReference.self, from: data).cases
    return Dictionary(uniqueKeysWithValues: cases.map { ($0.name, $0) })
  }

  static func input(_ name: String) throws -> NDArray {
    try #require(try NPY.read(directory.appendingPathComponent(name + ".npy").path).float32Array)
  }
}

/// ‖a − b‖ / ‖b‖ over two equally long arrays.
private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
  var diff = 0.0
  var norm = 0.0
  for (x, y) in zip(a, b) {
    diff += (x - y) * (x - y)
    norm += y * y
  }
  return (diff / max(norm, .leastNormalMagnitude)).squareRoot()
}

@Suite struct DataSVDTests {
  /// Singular values above the rank threshold agree with numpy's float64 SVD to 1e-4
  /// relative, on the XᵀX path (tall), the XXᵀ path (wide) and per image.
  @Test(arguments: [("tall", SpectrumMode.dataset), ("wide", .dataset), ("images", .image)])
  func singularValuesMatchNumpy(_ name: String, _ mode: SpectrumMode) throws {
    let reference = try #require(try SVDReference.load()[name])
    var input = try SVDReference.input(name)
    if mode == .dataset, input.rank == 2 {
      input = input.reshaped([input.shape[0], 1, 1, input.shape[1]])
    }
    let spectrum = try DataSVD.spectrum(input, mode: mode)
    #expect(spectrum.rank == reference.rank)
    for (got, want) in zip(spectrum.singularValues, reference.singular_values).prefix(
      reference.rank)
    {
      #expect(abs(got - want) <= 1e-4 * want, "\(name): \(got) vs \(want)")
    }
  }

  /// X̂ without the top ⌈0.25 · rank⌉ components equals numpy's U/S/Vᵀ rebuild to 1e-4
  /// relative (Frobenius).
  @Test(arguments: [("tall", SpectrumMode.dataset), ("wide", .dataset), ("images", .image)])
  func droppingTopComponentsMatchesNumpy(_ name: String, _ mode: SpectrumMode) throws {
    let reference = try #require(try SVDReference.load()[name])
    let input = try SVDReference.input(name)
    let shaped = input.rank == 2 ? input.reshaped([input.shape[0], 1, 1, input.shape[1]]) : input
    let (rebuilt, dropped) = try DataSVD.dropTop(shaped, fraction: reference.fraction, mode: mode)
    #expect(dropped == reference.dropped)
    #expect(rebuilt.shape == shaped.shape)
    #expect(relativeError(rebuilt.data.map(Double.init), reference.rebuilt) <= 1e-4)
  }

  /// The rebuilt matrix's spectrum is the original's without its first k values.
  @Test func rebuiltSpectrumIsTheTail() throws {
    let x = try SVDReference.input("tall")
    let spectrum = try DataSVD.spectrum(x)
    let (rebuilt, k) = try DataSVD.dropTop(x, fraction: 0.1)
    #expect(k == 5)
    let tail = try DataSVD.spectrum(rebuilt).singularValues
    for (got, want) in zip(tail, spectrum.singularValues.dropFirst(k)).prefix(spectrum.rank - k) {
      #expect(abs(got - want) <= 1e-3 * want)
    }
  }

  @Test func cumulativeRatiosAndEdgeCases() throws {
    let x = NDArray(shape: [2, 2], data: [3, 0, 0, 4])
    let spectrum = try DataSVD.spectrum(x)
    #expect(spectrum.singularValues.map { ($0 * 1e9).rounded() / 1e9 } == [4, 3])
    #expect(spectrum.cumulativeRatio(.energy).map { ($0 * 1e12).rounded() / 1e12 } == [0.64, 1])
    #expect(
      spectrum.cumulativeRatio(.sigma).map { ($0 * 1e12).rounded() / 1e12 } == [
        (4.0 / 7 * 1e12).rounded() / 1e12, 1,
      ])
    #expect(try DataSVD.dropTop(x, fraction: 0).images == x)
    #expect(throws: AnalysisError.self) { _ = try DataSVD.dropTop(x, fraction: 1.5) }
    #expect(throws: AnalysisError.self) { _ = try DataSVD.spectrum(NDArray.zeros([0, 3])) }
    #expect(throws: AnalysisError.self) { _ = try DataSVD.spectrum(x, mode: .image) }
    #expect(throws: LinalgError.self) {
      _ = try DataSVD.spectrum(NDArray(shape: [2, 2], data: [1, .nan, 0, 1]))
    }
  }
}

import Foundation
import TensorCore

/// The 3×3 convolutions of ConvNet-3 width 128 on 3×32×32 inputs, one at a time: forward and
/// the fused backward (input and filter gradients), fastest of `repeats` runs; the fastest run
/// is the least disturbed on a shared machine, so small kernel changes show.
enum ConvLayerBenchmarks {
  static let layers: [(input: [Int], filter: [Int])] = [
    ([256, 3, 32, 32], [128, 3, 3, 3]),
    ([256, 128, 16, 16], [128, 128, 3, 3]),
    ([256, 128, 8, 8], [128, 128, 3, 3]),
  ]

  static func run() {
    for layer in layers {
      var rng = RandomStream(seed: 3)
      let x = NDArray(shape: layer.input, data: rng.normal(Shape.count(layer.input)))
      let w = NDArray(shape: layer.filter, data: rng.normal(Shape.count(layer.filter), std: 0.05))
      let g = try! ConvGeometry(input: layer.input, filter: layer.filter, stride: 1, padding: 1)
      let gy = NDArray(shape: g.outputShape, data: rng.normal(Shape.count(g.outputShape)))
      let forward = fastest { _ = x.conv2d(w, stride: 1, padding: 1) }
      let backward = fastest {
        _ = NDArray.conv2dBackward(gy, input: x, filter: w, stride: 1, padding: 1)
      }
      let kernel = g.winogradTile.map { "Winograd F(\($0)×\($0), 3×3)" } ?? "im2col"
      print(
        String(
          format: "conv x%@ w%@ (%@): forward %.1f ms, backward %.1f ms (fastest of %d)",
          "\(layer.input)", "\(layer.filter)", kernel, forward * 1e3, backward * 1e3, repeats))
    }
  }

  private static func fastest(_ body: () -> Void) -> Double {
    body()
    return (0..<repeats).map { _ in Benchmarks.time(body) }.min()!
  }
}

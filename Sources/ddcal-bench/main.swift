// ddcal-bench: the figures of `make bench`, measured in one run (docs/PERFORMANCE.md).
import Autodiff
import Foundation
import NN
import Optim
import TensorCore
import Training

let repeats = Int(ProcessInfo.processInfo.environment["REPEATS"] ?? "") ?? 5
let only = Set(CommandLine.arguments.dropFirst())
func wanted(_ name: String) -> Bool { only.isEmpty || only.contains(name) }

if only.contains("fashion-mnist-full") {
  do {
    try FullRun.fashionMNIST(epochs: 5, seed: 0)
  } catch {
    print("error: \(error)")
    exit(1)
  }
  exit(0)
}

// As the ddcal executable runs: GEMM split over the same workers as every other kernel;
// DDCAL_GEMM_SPLIT=0 leaves the threading to OpenBLAS, for comparison.
if ProcessInfo.processInfo.environment["DDCAL_GEMM_SPLIT"] != "0" { Gemm.useWorkerThreads() }
print("ddcal-bench  threads=\(Parallel.threads)  \(Gemm.configuration)")
print("repeats=\(repeats) (median reported; min…max in brackets)")
let sgemm = Benchmarks.sgemmRate()
print(String(format: "SGEMM 2048³: %.1f GFLOP/s", sgemm))

if wanted("convnet") {
  for setup in Benchmarks.convNetSetups {
    Benchmarks.convNetThroughput(setup, sgemmRate: sgemm)
  }
}
if wanted("second-order") {
  Benchmarks.secondOrderStep(images: 100, steps: 10)
}
if wanted("conv-layers") { ConvLayerBenchmarks.run() }
if wanted("svd") { AnalysisBenchmarks.run() }
// Peak RSS is per process: `make bench` runs these three in processes of their own.
if only.contains("mtt") { DistillationBenchmarks.mttIteration(steps: 20) }
if only.contains("dc") { DistillationBenchmarks.dcMatchingStep() }
if only.contains("edd") { DistillationBenchmarks.eddIteration() }
if only.contains("rtp") { DistillationBenchmarks.rtpIterations(steps: [10, 20]) }
if !only.isDisjoint(with: ["tsne", "tsne-bh", "tsne-fft"]) {
  TSNEBenchmarks.run(
    barnesHut: only.contains("tsne") || only.contains("tsne-bh"),
    fft: only.contains("tsne") || only.contains("tsne-fft"))
}

// swift-tools-version:6.0
// ddcal: calibration of networks trained on distilled data, from scratch on the CPU.
// Modules are layered; each may import only the rows above it in docs/ARCHITECTURE.md §1.
import PackageDescription

// MARK: - System libraries (one per C library; see Sources/C*/module.modulemap)

let systemLibraries: [Target] = [
  .systemLibrary(
    name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
    providers: [.apt(["libopenblas-dev"])]),
  .systemLibrary(
    name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
    providers: [.apt(["libedit-dev"])]),
  .systemLibrary(
    name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
  .systemLibrary(
    name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
  .systemLibrary(
    name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo",
    providers: [.apt(["libcairo2-dev"])]),
  // Open MPI's C API; only Cluster imports it.
  .systemLibrary(
    name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
    providers: [.apt(["libopenmpi-dev"])]),
]

// Hot loops live in TensorCore; optimise them even in debug builds so tests stay fast.
// Code is built for the machine that builds it (AVX2 and FMA here; like ggml's default
// GGML_NATIVE): the SIMD8 kernels then use 8-lane registers instead of pairs of SSE halves.
// Swift does not contract a·b + c into FMA, so results are the same as a generic build.
// DDCAL_TARGET_CPU=<cpu> builds for another CPU (e.g. x86-64 for a portable binary).
let targetCPU = Context.environment["DDCAL_TARGET_CPU"] ?? "native"
let optimized: [SwiftSetting] = [
  .unsafeFlags(["-O"], .when(configuration: .debug)),
  .unsafeFlags(["-target-cpu", targetCPU]),
]

// MARK: - Libraries (each row imports only the rows above it)

let libraries: [Target] = [
  // The ranks of an mpirun job (or one process alone) and their collectives.
  .target(name: "Cluster", dependencies: ["CMPI"]),
  .target(name: "TensorCore", dependencies: ["CBLAS"], swiftSettings: optimized),
  .target(name: "Autodiff", dependencies: ["TensorCore"], swiftSettings: optimized),
  .target(name: "NN", dependencies: ["Autodiff", "TensorCore"], swiftSettings: optimized),
  .target(name: "Optim", dependencies: ["NN", "Autodiff", "TensorCore"]),
  .target(name: "Datasets", dependencies: ["TensorCore", "CZlib"], swiftSettings: optimized),
  .target(name: "Training", dependencies: ["NN", "Optim", "Autodiff", "TensorCore"]),
  .target(
    name: "Calibration", dependencies: ["Training", "Datasets", "NN", "Autodiff", "TensorCore"],
    swiftSettings: optimized),
  .target(
    name: "Distillation",
    dependencies: ["Training", "Datasets", "Optim", "NN", "Autodiff", "TensorCore", "Cluster"],
    swiftSettings: optimized),
  .target(
    name: "Experiments",
    dependencies: ["Distillation", "Calibration", "Training", "Datasets", "NN", "TensorCore"]),
  .target(name: "Analysis", dependencies: ["TensorCore"], swiftSettings: optimized),
  .target(name: "Plot", dependencies: ["TensorCore", "CCairo", "CPNG"], swiftSettings: optimized),
  .target(
    name: "Shell",
    dependencies: [
      "Experiments", "Distillation", "Calibration", "Analysis", "Plot", "Training", "Datasets",
      "Optim", "NN", "TensorCore", "Cluster", "CEditLine",
    ],
    swiftSettings: optimized),
  // Mutation fuzzing of the file readers and the script parser (`make fuzz`; bounded in tests).
  .target(name: "Fuzzing", dependencies: ["Shell", "Datasets", "TensorCore"]),
]

// MARK: - Executables

let executables: [Target] = [
  .executableTarget(
    name: "ddcal",
    dependencies: ["Shell", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
  .executableTarget(name: "ddcal-fuzz", dependencies: ["Fuzzing"]),
  .executableTarget(
    name: "ddcal-bench",
    dependencies: [
      "Distillation", "Analysis", "Training", "NN", "Optim", "Datasets", "Autodiff", "TensorCore",
    ]),
]

// MARK: - Test support and tests

let tests: [Target] = [
  .target(name: "TestSupport", dependencies: ["Autodiff", "TensorCore"]),
  .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
  .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "TensorCore", "TestSupport"]),
  .testTarget(name: "NNTests", dependencies: ["NN", "Autodiff", "TensorCore", "TestSupport"]),
  .testTarget(
    name: "OptimTests", dependencies: ["Optim", "NN", "Autodiff", "TensorCore"],
    exclude: ["Fixtures"]),
  .testTarget(
    name: "DatasetsTests", dependencies: ["Datasets", "TensorCore"], exclude: ["Fixtures"]),
  .testTarget(
    name: "CalibrationTests",
    dependencies: ["Calibration", "Training", "Datasets", "NN", "TensorCore"],
    exclude: ["Fixtures"]),
  .testTarget(
    name: "DistillationTests",
    dependencies: ["Distillation", "Datasets", "NN", "Autodiff", "TensorCore", "TestSupport"]),
  .testTarget(
    name: "AnalysisTests", dependencies: ["Analysis", "Datasets", "TensorCore"],
    exclude: ["Fixtures"]),
  .testTarget(name: "PlotTests", dependencies: ["Plot", "TensorCore"], exclude: ["Golden"]),
  .testTarget(
    name: "ShellTests",
    dependencies: ["Shell", "Experiments", "Calibration", "Fuzzing", "Datasets", "TensorCore"],
    exclude: ["Transcripts"]),  // read via #filePath, not bundled
  .testTarget(
    name: "TrainingTests", dependencies: ["Training", "NN", "Optim", "Autodiff", "TensorCore"]),
]

let package = Package(
  name: "ddcal",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "ddcal", targets: ["ddcal"]),
    .executable(name: "ddcal-bench", targets: ["ddcal-bench"]),
    .executable(name: "ddcal-fuzz", targets: ["ddcal-fuzz"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: systemLibraries + libraries + executables + tests,
  swiftLanguageModes: [.v5]
)

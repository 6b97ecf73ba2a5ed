import Datasets
import Foundation
import Shell
import TensorCore

/// A reader under fuzzing: valid seed inputs and the call that reads one input.
///
/// File readers get the bytes through a real file, as users' files arrive; the script target
/// lexes, parses and renders the diagnostics of the text. A rejected input throws (the
/// expected outcome for most mutations); only a crash or a hang is a failure.
public enum FuzzTarget: String, CaseIterable, Sendable {
  case npy
  case npz
  case idx
  case idxGzip = "idx-gz"
  case cifar
  case script

  /// Tokens spliced into script inputs.
  static let scriptTokens = [
    "(", ")", "[", "]", "{", "}", "\"", "'", "\\", "\\u{", "#", ";", "\n", "=", "==", ":", ".",
    ",", "-", "^", "for", "in", "and", "or", "not", "true", "1e309", "-0.0", "9223372036854775807",
    "x", "fm.train", "é", "日", "\u{0}", "\t",
  ]

  /// Valid inputs of the format, made in memory (gzip through a file in `scratch`).
  /// - Throws: when a seed cannot be encoded (a bug in the fuzzer).
  public func seeds(scratch: String) throws -> [[UInt8]] {
    switch self {
    case .npy: return try Self.arrays().map(NPY.encode)
    case .npz:
      let arrays = try Self.arrays()
      return [
        try NPZ.encode([("images", arrays[0]), ("labels", arrays[2])]),
        try NPZ.encode(arrays.enumerated().map { ("a\($0.offset)", $0.element) }),
      ]
    case .idx: return Self.idxFiles()
    case .idxGzip:
      return try Self.idxFiles().map { bytes in
        let path = scratch + "/seed.gz"
        try Gzip.write(bytes, to: path, level: 6)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      }
    case .cifar:
      let record10 = [UInt8(3)] + (0..<3072).map { UInt8(truncatingIfNeeded: $0) }
      let record100 = [UInt8(2), 57] + (0..<3072).map { UInt8(truncatingIfNeeded: $0 * 7) }
      return [record10 + record10, record100 + record100 + record100]
    case .script:
      return Self.scripts.map { Array($0.utf8) }
    }
  }

  /// Reads `bytes` as this format; `path` is a scratch file name for file readers.
  /// - Throws: the reader's error for a rejected input.
  public func run(_ bytes: [UInt8], path: String) throws {
    switch self {
    case .script:
      let source = Source(name: "fuzz.ddc", text: String(decoding: bytes, as: UTF8.self))
      let parsed = Parser.parse(source)
      let renderer = DiagnosticRenderer(source: source)
      for diagnostic in parsed.diagnostics { _ = renderer.render(diagnostic) }
      if let first = parsed.diagnostics.first { throw first }
      return
    default:
      try Self.write(bytes, to: path)
    }
    switch self {
    case .npy: _ = try NPY.read(path)
    case .npz:
      let archive = try NPZ.read(path)
      _ = try Dataset(npz: archive, name: "fuzz")
    case .idx, .idxGzip:
      _ = try IDXReader.read(path)
      _ = try IDXReader.readImages(path)
    case .cifar:
      _ = try? CIFARReader.readBatch(path, layout: .cifar10)
      _ = try CIFARReader.readBatch(path, layout: .cifar100)
    case .script: break
    }
  }

  /// Overwrites `path` with `bytes`. Data.write would fsync every input, which makes the
  /// disk, not the reader, the cost of a run.
  static func write(_ bytes: [UInt8], to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) {
      FileManager.default.createFile(atPath: path, contents: nil)
    }
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw CocoaError(.fileWriteUnknown)
    }
    defer { try? handle.close() }
    try handle.truncate(atOffset: 0)
    try handle.write(contentsOf: bytes)
  }

  private static func arrays() throws -> [NPYArray] {
    [
      try NPYArray(float32: (0..<48).map { Float($0) / 7 }, shape: [3, 1, 4, 4]),
      try NPYArray(float64: [1.5, -2, 3e300], shape: [3]),
      try NPYArray(int64: [0, 1, 1], shape: [3]),
      try NPYArray(uint8: [1, 2, 3, 4], shape: [2, 2]),
      try NPYArray(float32: [7], shape: []),
    ]
  }

  private static func idxFiles() -> [[UInt8]] {
    func idx(_ shape: [Int], _ data: [UInt8]) -> [UInt8] {
      var bytes: [UInt8] = [0, 0, 8, UInt8(shape.count)]
      for extent in shape {
        bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: extent >> $0) }
      }
      return bytes + data
    }
    return [
      idx([3, 4, 4], (0..<48).map { UInt8($0 * 5) }), idx([3], [0, 9, 1]),
      idx([2, 2, 2, 2], Array(repeating: 7, count: 16)),
    ]
  }

  static let scripts = [
    """
    fm = load fashion-mnist
    sub = fm.train.sample per_class=10 seed=1
    net = convnet fm depth=3 width=128 seed=0
    train net sub epochs=50 lr=0.01 batch=256   # a comment
    r = eval net fm.test; r.accuracy
    """,
    """
    for lr in 0.01:0.05:0.02 { print lr }
    xs = [1, 2.5, -3e-2, "a\\tb", true]
    print (xs[0] + 2 * 3 ^ 2) / 4 % 5 == 1 and not false or xs.count >= 2
    """,
    """
    plot reliability net ts mts data=fm.test names=["raw", "TS", "MTS"]
    m = distill mtt fm.train ipc=10 experts=ex width=32 checkpoint="m.npz"
    e = evaluate_set syn fm models=5 epochs=300
    """,
    "s = 'multi\nline' ; print s\nhelp for\n",
  ]
}

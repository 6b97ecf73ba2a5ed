import NN

/// "key=value" lines that record a run's options with its output, and read them back.
extension DistillationOptions {
  /// The options as settings lines (keys are the shell's option names).
  public var settings: [String] {
    let n = network
    var lines = [
      "method=\(method.rawValue)", "ipc=\(imagesPerClass)", "iterations=\(iterations)",
      "lr_img=\(imageLearningRate)", "momentum=\(imageMomentum)", "batch_real=\(realBatch)",
      "init=\(initialization.rawValue)", "aug=\(augmentation)", "mask=\(maskSetting)",
      "seed=\(seed)",
      "net=\(n.channels),\(n.height),\(n.width),\(n.classes),\(n.depth),\(n.netWidth),"
        + "\(n.norm.rawValue),\(n.pooling.rawValue)",
      "outer_loop=\(outerLoop)", "inner_loop=\(innerLoop)", "lr_net=\(networkLearningRate)",
      "batch_train=\(trainBatch)", "syn_steps=\(syntheticSteps)", "expert_epochs=\(expertEpochs)",
      "max_start_epoch=\(maxStartEpoch)", "lr_lr=\(stepSizeLearningRate)",
      "lr_teacher=\(initialStepSize)", "chunk=\(studentChunk)",
      "checkpoint_every=\(checkpointEvery)",
    ]
    lines += edd.settings
    if let syntheticBatch { lines.append("batch_syn=\(syntheticBatch)") }
    if let expertDirectory { lines.append("experts=\(expertDirectory)") }
    if let checkpointPath { lines.append("checkpoint=\(checkpointPath)") }
    if method == .rtp {
      lines += ["bases=\(bases)", "downsample=\(downsample)", "inner_momentum=\(innerMomentum)"]
    }
    return lines
  }

  private var maskSetting: String {
    switch mask {
    case .none: return "none"
    case .fixed(let r): return "\(r)"
    case .dynamic(let low, let high): return "ds:\(low):\(high)"
    }
  }

  /// Options read back from `settings` lines.
  /// - Throws: `DistillationError.invalidOption` naming the first missing or malformed key.
  public init(settings lines: [String]) throws {
    var table: [String: String] = [:]
    for line in lines {
      guard let eq = line.firstIndex(of: "=") else { continue }
      table[String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    func value(_ key: String) throws -> String {
      guard let v = table[key] else {
        throw DistillationError.invalidOption(.settings, "settings lack \(key)")
      }
      return v
    }
    func parse<T: LosslessStringConvertible>(_ key: String) throws -> T {
      guard let v = T(try value(key)) else {
        throw DistillationError.invalidOption(
          .settings, "settings: malformed \(key)=\(table[key] ?? "")")
      }
      return v
    }
    guard let method = DistillMethod(rawValue: try value("method")) else {
      throw DistillationError.invalidOption(
        .settings, "settings: unknown method \(table["method"] ?? "")")
    }
    self.init(
      method: method, imagesPerClass: try parse("ipc"), network: try Self.network(value("net")))
    iterations = try parse("iterations")
    imageLearningRate = try parse("lr_img")
    imageMomentum = try parse("momentum")
    realBatch = try parse("batch_real")
    guard let initialization = SyntheticInitialization(rawValue: try value("init")) else {
      throw DistillationError.invalidOption(.settings, "settings: malformed init")
    }
    self.initialization = initialization
    augmentation = try value("aug")
    mask = try Self.mask(value("mask"))
    seed = try parse("seed")
    outerLoop = try parse("outer_loop")
    innerLoop = try parse("inner_loop")
    networkLearningRate = try parse("lr_net")
    trainBatch = try parse("batch_train")
    syntheticSteps = try parse("syn_steps")
    expertEpochs = try parse("expert_epochs")
    maxStartEpoch = try parse("max_start_epoch")
    stepSizeLearningRate = try parse("lr_lr")
    initialStepSize = try parse("lr_teacher")
    checkpointEvery = try parse("checkpoint_every")
    studentChunk = table["chunk"].flatMap(Int.init) ?? 50
    syntheticBatch = table["batch_syn"].flatMap(Int.init)
    expertDirectory = table["experts"]
    checkpointPath = table["checkpoint"]
    try edd.read(settings: table)
    if method == .rtp {
      (bases, downsample) = (try parse("bases"), try parse("downsample"))
      innerMomentum = try parse("inner_momentum")
    }
  }

  private static func network(_ text: String) throws -> ConvNetConfig {
    let parts = text.split(separator: ",").map(String.init)
    let ints = parts.prefix(6).compactMap { Int($0) }
    guard parts.count == 8, ints.count == 6, let norm = NormKind(rawValue: parts[6]),
      let pool = PoolKind(rawValue: parts[7])
    else { throw DistillationError.invalidOption(.settings, "settings: malformed net=\(text)") }
    return ConvNetConfig(
      channels: ints[0], height: ints[1], width: ints[2], classes: ints[3], depth: ints[4],
      netWidth: ints[5], norm: norm, pooling: pool)
  }

  /// "none", "r" (MDT) or "ds:min:max" (MDTds).
  public static func mask(_ text: String) throws -> MaskSchedule {
    if text == "none" { return .none }
    if let r = Float(text) { return r == 0 ? .none : .fixed(r) }
    let parts = text.split(separator: ":")
    if parts.count == 3, parts[0] == "ds", let low = Float(parts[1]), let high = Float(parts[2]) {
      return .dynamic(minimum: low, maximum: high)
    }
    throw DistillationError.invalidOption(
      .settings, "malformed mask \(text): use none, r or ds:min:max")
  }
}

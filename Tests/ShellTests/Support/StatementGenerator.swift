import Foundation
import TensorCore

@testable import Shell

/// Typed statements generated from the registry for the statement fuzzer: every command and
/// dataset or tensor method, each parameter given extreme values of its declared type (0, −1,
/// NaN, ±inf, 1e±300, Int64.max, empty lists, a dataset with an empty class, a tensor with no
/// rows), the other arguments small enough for tiny data to run in milliseconds.
///
/// Files the commands write (figures, experts, checkpoints) go under `directory`; `save`,
/// `session` and `quit` are left out, and `load` only gets paths that do not exist.
struct StatementGenerator {
  /// Where generated paths point: a temporary directory the caller removes.
  let directory: URL

  /// The variables every statement may use, made by `setup`.
  var setup: String {
    """
    d = dataset (randn [6, 1, 8, 8] seed=1) [0, 1, 2, 0, 1, 2]
    e = dataset (randn [4, 1, 8, 8] seed=2) [0, 0, 2, 2] classes=3
    net = convnet d depth=1 width=2 seed=0
    p = eval net d
    h = train net d epochs=1 batch=6
    report = calibrate net d method=ts
    spectrum = svd d
    emb = tsne (randn [12, 3] seed=4) iterations=10 perplexity=2
    ex = experts d dir="\(path("experts-setup"))" count=1 epochs=2 width=2 depth=1
    t = randn [4, 3] seed=3
    z0 = zeros [0, 3]
    xs = [1, 2, 3]
    """
  }

  /// Variables by the type name `.object` parameters ask for.
  static let variables: [String: [String]] = [
    "dataset": ["d", "e"], "data": ["d"], "model": ["net"], "predictions": ["p"],
    "history": ["h"], "report": ["report"], "spectrum": ["spectrum"], "embedding": ["emb"],
    "experts": ["ex"],
  ]

  /// Arguments that keep a run on tiny data short, used unless the parameter is fuzzed.
  static let quick: [String: String] = [
    "epochs": "1", "iterations": "1", "models": "1", "count": "2", "width": "2", "depth": "1",
    "per_class": "1", "eval_epochs": "1", "syn_steps": "1", "expert_epochs": "1",
    "max_start_epoch": "1", "batch_real": "2", "ipc": "1", "early": "1", "outer_loop": "1",
    "inner_loop": "1", "max_images": "6", "batch": "6", "chunk": "2",
  ]

  static let excluded: Set<String> = ["save", "session", "quit", "help", "vars", "del"]

  /// Ints and floats at the edges, NaN and infinities written as expressions (the shell has
  /// no literal for them).
  static let ints = ["0", "-1", "1", "2", "9223372036854775807", "-9223372036854775807"]
  static let floats = [
    "0", "-1", "0.5", "1", "1e300", "1e-300", "(1e300 * 1e300)", "(-1e300 * 1e300)",
    "(1e300 * 1e300 - 1e300 * 1e300)",
  ]

  /// A path under `directory`.
  func path(_ name: String) -> String {
    directory.appendingPathComponent(name).path
  }

  /// Candidate source texts for a value of `type` given to `parameter`.
  func values(for parameter: Parameter, _ type: ValueType) -> [String] {
    switch type {
    case .any: return ["1", "xs", "t", "\"s\""]
    case .bool: return ["true", "false"]
    case .int: return Self.ints
    case .float: return Self.floats
    case .string: return ["\"\"", "\"x\"", "\"none\""]
    case .path:
      let name = ["file", "dir", "checkpoint"].contains(parameter.name) ? "out" : "missing"
      return ["\"\(path(name + "-" + parameter.name + ".npz"))\""]
    case .word: return ["train", "nope"]
    case .tensor: return ["t", "z0"]
    case .list(let element):
      let items = values(for: parameter, element)
      return ["[]", "[\(items[0])]", "[\(items[0]), \(items[items.count - 1])]"]
    case .choice(let choices): return choices + ["nope"]
    case .object(let name): return Self.variables[name] ?? ["xs"]
    case .oneOf(let types): return types.flatMap { values(for: parameter, $0) }
    }
  }

  /// Every callee with its parameters: commands, then `d.`, `e.` and `t.` methods.
  static func callees(_ registry: CommandRegistry) -> [(callee: String, command: Command)] {
    var list = registry.commands.filter { !excluded.contains($0.name) }.map { ($0.name, $0) }
    for method in CommandRegistry.methods {
      if method.name == "temperature" {
        list.append(("p.temperature", method))
      } else {
        list += [("d.\(method.name)", method), ("e.\(method.name)", method)]
      }
    }
    list.append(("t.reshape", reshape))
    return list
  }

  /// The tensor method as its registry declares it (looked up once from a tensor).
  static let reshape: Command = {
    let harness = Harness()
    _ = harness.script("t = zeros [1]")
    let methods = harness.interpreter.methods(of: harness.interpreter.environment["t"] ?? .none)
    return methods[0]
  }()

  /// `r = callee args…` with `fuzzed` set to `value` and every other argument at a quick or
  /// first plausible value.
  func statement(
    _ callee: String, _ command: Command, fuzzed: [String: String]
  ) -> String {
    var words = ["r =", callee]
    for parameter in command.parameters {
      let value = fuzzed[parameter.name] ?? fallback(parameter, command)
      guard let value else { continue }
      words.append(parameter.kind == .keyword ? "\(parameter.name)=\(value)" : value)
    }
    if command.name == "load" { words = ["r =", callee, "\"\(path("missing.npz"))\""] }
    return words.joined(separator: " ")
  }

  /// The value an unfuzzed parameter gets: required positionals their first candidate,
  /// quick settings and output paths; nil to leave it out.
  private func fallback(_ parameter: Parameter, _ command: Command) -> String? {
    if let quick = Self.quick[parameter.name], parameter.isNumeric { return quick }
    if parameter.type == .path, ["file", "dir", "checkpoint"].contains(parameter.name) {
      return "\"\(path("out-\(command.name)-\(parameter.name)"))\""
    }
    guard parameter.kind == .positional, parameter.isRequired else { return nil }
    return values(for: parameter, parameter.type).first
  }

  /// One statement per (callee, parameter, extreme value), in a fixed order.
  func sweep(_ registry: CommandRegistry) -> [String] {
    var statements: [String] = []
    for (callee, command) in Self.callees(registry) {
      statements.append(statement(callee, command, fuzzed: [:]))
      for parameter in command.parameters where parameter.kind != .variadic {
        for value in values(for: parameter, parameter.type) {
          statements.append(statement(callee, command, fuzzed: [parameter.name: value]))
        }
      }
    }
    return statements
  }

  /// A statement fuzzing two or three parameters of a random callee at once.
  func random(_ registry: CommandRegistry, _ rng: inout RandomStream) -> String {
    let callees = Self.callees(registry)
    let (callee, command) = callees[rng.int(in: 0..<callees.count)]
    let parameters = command.parameters.filter { $0.kind != .variadic }
    var fuzzed: [String: String] = [:]
    for _ in 0..<min(parameters.count, 1 + rng.int(in: 0..<3)) {
      let parameter = parameters[rng.int(in: 0..<parameters.count)]
      let candidates = values(for: parameter, parameter.type)
      fuzzed[parameter.name] = candidates[rng.int(in: 0..<candidates.count)]
    }
    return statement(callee, command, fuzzed: fuzzed)
  }
}

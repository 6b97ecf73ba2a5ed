/// Variable bindings, kept in the order they were first made (so `vars` reads like the
/// notebook it came from).
public struct Environment {
  private var values: [String: Value] = [:]
  private var order: [String] = []

  /// An empty environment.
  public init() {}

  /// The value bound to `name`.
  public subscript(name: String) -> Value? { values[name] }

  /// Binds or rebinds `name`.
  public mutating func bind(_ name: String, to value: Value) {
    if values.updateValue(value, forKey: name) == nil { order.append(name) }
  }

  /// Removes `name`; returns false when it was not bound.
  @discardableResult
  public mutating func remove(_ name: String) -> Bool {
    guard values.removeValue(forKey: name) != nil else { return false }
    order.removeAll { $0 == name }
    return true
  }

  /// Bound names in binding order.
  public var names: [String] { order }

  /// Every binding in binding order.
  public var bindings: [(name: String, value: Value)] {
    order.compactMap { name in values[name].map { (name, $0) } }
  }
}

/// Process-wide shell settings that commands read.
public struct ShellSettings {
  /// The global seed (`--seed`, `seed N`); commands derive RandomStreams from it.
  public var seed: UInt64
  /// `--quiet`: no progress lines and no banner.
  public var quiet: Bool
  /// `echo on`: each statement is printed before it runs.
  public var echo: Bool
  /// How progress lines are drawn (terminal, plain lines, or not at all).
  public var progressStyle: ProgressStyle

  /// Settings with the given values.
  public init(
    seed: UInt64 = 0, quiet: Bool = false, echo: Bool = false,
    progressStyle: ProgressStyle = .silent
  ) {
    self.seed = seed
    self.quiet = quiet
    self.echo = echo
    self.progressStyle = progressStyle
  }
}

/// Version and identity of the shell.
public enum ShellInfo {
  /// The ddcal version (`ddcal --version`).
  public static let version = "0.1.0"
}

/// The areas commands belong to; `help` lists them in this order.
///
/// A closed set: switches over it have no `default:`, so adding a family forces every
/// switch (help titles included) to handle it.
public enum CommandFamily: CaseIterable, Sendable {
  case core, session, tensor, data, model, train, distill, calibrate, analyze, plot

  /// The heading `help` prints.
  public var title: String {
    switch self {
    case .core: return "Core"
    case .session: return "Session"
    case .tensor: return "Tensors"
    case .data: return "Data"
    case .model: return "Models"
    case .train: return "Training"
    case .distill: return "Distillation"
    case .calibrate: return "Calibration"
    case .analyze: return "Analysis"
    case .plot: return "Plots"
    }
  }
}

/// One shell command: its name, typed parameters, help text and implementation, in one entry
/// (sqlite's help table and dispatch in one place).
public struct Command {
  /// The name typed at the prompt: a lowercase verb or verb_noun.
  public var name: String
  /// The help section it is listed under.
  public var family: CommandFamily
  /// Other names that call it (`exit` for `quit`).
  public var aliases: [String]
  /// One line for `help`.
  public var summary: String
  /// Further paragraphs for `help name`; may be empty.
  public var discussion: String
  /// Parameters in declaration order; positional ones bind left to right.
  public var parameters: [Parameter]
  /// A complete example invocation for `help name`.
  public var example: String
  /// False for commands that only inspect (help, vars): they are left out of session.ddc.
  public var isRecorded: Bool
  /// True when the example reads or writes files of its own (a path it names), so the
  /// registry test parses it but does not run it.
  public var exampleNeedsFiles: Bool
  /// Runs the command with checked arguments; returns `.none` when there is no result.
  public var run: (CommandContext) throws -> Value

  /// Creates a command entry.
  public init(
    name: String, family: CommandFamily, aliases: [String] = [], summary: String,
    discussion: String = "", parameters: [Parameter] = [], example: String,
    exampleNeedsFiles: Bool = false, isRecorded: Bool = true,
    run: @escaping (CommandContext) throws -> Value
  ) {
    self.name = name
    self.family = family
    self.aliases = aliases
    self.summary = summary
    self.discussion = discussion
    self.parameters = parameters
    self.example = example
    self.exampleNeedsFiles = exampleNeedsFiles
    self.isRecorded = isRecorded
    self.run = run
  }

  /// The parameter called `name`.
  public func parameter(named name: String) -> Parameter? {
    parameters.first { $0.name == name }
  }
}

/// A family file's contribution to the registry: `enum DataCommands: CommandProvider`.
public protocol CommandProvider {
  /// The commands this family defines.
  static var commands: [Command] { get }
}

/// All commands by name and alias.
public struct CommandRegistry {
  private var ordered: [Command] = []
  private var index: [String: Int] = [:]

  /// A registry holding `commands`.
  public init(_ commands: [Command] = []) {
    for command in commands { register(command) }
  }

  /// Adds `command`; a later entry with the same name replaces the earlier one, so the engine
  /// may override a placeholder.
  public mutating func register(_ command: Command) {
    if let existing = index[command.name] {
      for alias in ordered[existing].aliases where index[alias] == existing {
        index[alias] = nil
      }
      ordered[existing] = command
    } else {
      ordered.append(command)
    }
    let position = index[command.name] ?? ordered.count - 1
    for name in [command.name] + command.aliases { index[name] = position }
  }

  /// Adds every command of a family.
  public mutating func register(_ provider: CommandProvider.Type) {
    for command in provider.commands { register(command) }
  }

  /// The command called `name` (or with that alias).
  public func command(named name: String) -> Command? {
    index[name].map { ordered[$0] }
  }

  /// Commands in registration order.
  public var commands: [Command] { ordered }

  /// Every name and alias, sorted.
  public var names: [String] { index.keys.sorted() }
}

/// Renders registry entries as help text; `help` and diagnostics' usage notes use it.
public enum HelpFormatter {
  /// `train MODEL DATA [epochs=INT] [lr=FLOAT]`.
  public static func usage(_ command: Command) -> String {
    let parts = command.parameters.map { parameter -> String in
      let upper = parameter.name.uppercased()
      switch parameter.kind {
      case .positional: return parameter.isRequired ? upper : "[\(upper)]"
      case .keyword: return "[\(parameter.name)=\(parameter.type.placeholder)]"
      case .variadic: return "[\(upper)…]"
      }
    }
    return ([command.name] + parts).joined(separator: " ")
  }

  /// Every command, grouped by family in `CommandFamily` order.
  public static func overview(_ registry: CommandRegistry) -> String {
    var text = "Commands (type 'help NAME' for one command):\n"
    for family in CommandFamily.allCases {
      let members = registry.commands.filter { $0.family == family }
      guard !members.isEmpty else { continue }
      text += "\n\(family.title)\n"
      text += TextTable(members.map { [$0.name, $0.summary] }).render(indent: "  ")
    }
    text += """

      Syntax: name = value · command arg key=value · value.field · (command args).field
              [1, 2] · 0.1:0.5:0.1 (a range; stop included) · for x in xs { … } · # comment

      """
    return text
  }

  /// One command: usage line, summary, parameter table and example.
  public static func detail(_ command: Command) -> String {
    var text = "usage: \(usage(command))\n\n\(command.summary)\n"
    if !command.discussion.isEmpty { text += "\n\(command.discussion)\n" }
    if !command.parameters.isEmpty {
      text += "\nParameters:\n"
      text += TextTable(command.parameters.map(row)).render(indent: "  ")
    }
    if !command.aliases.isEmpty {
      text += "\nAliases: " + command.aliases.joined(separator: ", ") + "\n"
    }
    // A multi-line example keeps its indentation on every line.
    let example = command.example.split(separator: "\n").joined(separator: "\n  ")
    text += "\nExample:\n  \(example)\n"
    return text
  }

  /// name, type, default, unit, description.
  private static func row(_ parameter: Parameter) -> [String] {
    let requirement: String
    if let value = parameter.defaultValue {
      requirement = "default " + ValueFormatter.brief(value)
    } else {
      requirement = parameter.isRequired ? "required" : "optional"
    }
    let name = parameter.kind == .keyword ? parameter.name + "=" : parameter.name
    return [name, parameter.type.description, requirement, parameter.unit ?? "", parameter.doc]
  }
}

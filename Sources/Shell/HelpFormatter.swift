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
      Keywords: for, in, and, or, not, true, false (help for, help and, …)

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

  /// A keyword of the language: its syntax and what it does.
  public static func detail(_ keyword: Keyword) -> String {
    let (syntax, text): (String, String)
    switch keyword {
    case .for:
      syntax = "for NAME in SEQUENCE { STATEMENTS }"
      text = """
        Runs the block once per element of a list or range, with NAME bound to each in turn \
        (NAME keeps the last element afterwards). Ctrl-C stops the running command or, between \
        passes, the loop; session.ddc then records the passes that ran, so a replay reaches the \
        same state.
        """
    case .in:
      syntax = "for NAME in SEQUENCE { … }"
      text = "Separates a for loop's variable from the list or range it walks."
    case .and:
      syntax = "A and B"
      text = "True when both are true; B is not evaluated when A is false."
    case .or:
      syntax = "A or B"
      text = "True when either is true; B is not evaluated when A is true."
    case .not:
      syntax = "not A"
      text = "The negation of a boolean."
    case .true, .false:
      syntax = "true · false"
      text = "The two boolean values, e.g. for options such as normalize=true."
    }
    return "usage: \(syntax)\n\n'\(keyword.rawValue)' is a keyword. \(text)\n\nExample:\n  "
      + example(keyword) + "\n"
  }

  private static func example(_ keyword: Keyword) -> String {
    switch keyword {
    case .for, .in: return "for lr in [0.01, 0.05] { print lr }"
    case .and, .or, .not: return "print (1 < 2 and not (3 < 2)) or false"
    case .true, .false: return "print true and false"
    }
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
    var type = parameter.type.description
    if let bounds = parameter.bounds, bounds != .any {
      type += " " + bounds.summary(integral: parameter.type == .int)
    }
    return [name, type, requirement, parameter.unit ?? "", parameter.doc]
  }
}

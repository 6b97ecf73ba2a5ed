/// Built-in commands for using the shell itself: help, vars, del, print, echo, quit.
public enum CoreCommands: CommandProvider {
  /// The core family's registry entries.
  public static var commands: [Command] { [help, vars, del, print, echo, quit] }

  static var help: Command {
    Command(
      name: "help", family: .core,
      summary: "Lists commands, or shows one command (or keyword: for, in, and…) in full.",
      parameters: [
        .positional(
          "command", .word, optional: true, doc: "the command or keyword to describe",
          completion: .commands)
      ],
      example: "help train", isRecorded: false
    ) { context in
      let registry = context.interpreter.registry
      guard case .string(let name) = context.arguments["command"] else {
        context.output.write(HelpFormatter.overview(registry))
        return .none
      }
      // Methods of values (`fm.train.sample`) have help too: `help sample`.
      let methods = CommandRegistry.methods
      if let keyword = Keyword(rawValue: name), registry.command(named: name) == nil {
        context.output.write(HelpFormatter.detail(keyword))
        return .none
      }
      guard let command = registry.command(named: name) ?? methods.first(where: { $0.name == name })
      else {
        let suggestion = Suggestions.closest(
          to: name, in: registry.names + methods.map(\.name) + Keyword.allCases.map(\.rawValue))
        throw context.arguments.failure(
          .unknownCommand(name, suggestion: suggestion), at: "command")
      }
      context.output.write(HelpFormatter.detail(command))
      return .none
    }
  }

  static var vars: Command {
    Command(
      name: "vars", family: .core, summary: "Lists variables with their type and size.",
      example: "vars", isRecorded: false
    ) { context in
      let bindings = context.interpreter.environment.bindings
      guard !bindings.isEmpty else {
        context.output.line("no variables")
        return .none
      }
      var rows = [["name", "type", "size", "value"]]
      for (name, value) in bindings {
        let shown: String
        if case .tensor = value {
          shown = ""
        } else {
          shown = ValueFormatter.brief(value, limit: 5)
        }
        let clipped = shown.count > 60 ? String(shown.prefix(59)) + "…" : shown
        rows.append([name, value.typeName, ValueFormatter.size(value), clipped])
      }
      context.output.write(TextTable(rows).render())
      return .none
    }
  }

  static var del: Command {
    Command(
      name: "del", family: .core, summary: "Removes variables.",
      parameters: [.variadic("names", .word, doc: "variables to remove")],
      example: "del net sub"
    ) { context in
      let names = context.arguments.variadic("names").compactMap { value -> String? in
        if case .string(let name) = value { return name } else { return nil }
      }
      guard !names.isEmpty else {
        throw ShellError.missingArgument(command: "del", parameter: "names")
      }
      for name in names where context.interpreter.environment[name] == nil {
        let known = context.interpreter.environment.names
        throw ShellError.unknownVariable(name, suggestion: Suggestions.closest(to: name, in: known))
      }
      for name in names { context.interpreter.environment.remove(name) }
      return .none
    }
  }

  static var print: Command {
    Command(
      name: "print", family: .core, summary: "Prints values separated by spaces.",
      discussion: "Strings print without quotes; tensors and results print in full.",
      parameters: [.variadic("values", .any, doc: "what to print")],
      example: "print \"accuracy\" r.accuracy"
    ) { context in
      let values = context.arguments.variadic("values")
      context.output.line(values.map(ValueFormatter.plain).joined(separator: " "))
      return .none
    }
  }

  static var echo: Command {
    Command(
      name: "echo", family: .core,
      summary: "Turns echoing of each statement before it runs on or off.",
      discussion: "Useful in scripts, so the output shows which statement produced it.",
      parameters: [
        .positional("mode", .choice(of: EchoMode.self), optional: true, doc: "on or off")
      ],
      example: "echo on"
    ) { context in
      guard let mode = try context.arguments.optionalChoice("mode", as: EchoMode.self) else {
        context.output.line("echo is " + (context.settings.echo ? "on" : "off"))
        return .none
      }
      context.interpreter.settings.echo = mode == .on
      return .none
    }
  }

  static var quit: Command {
    Command(
      name: "quit", family: .core, aliases: ["exit"], summary: "Leaves the shell (also Ctrl-D).",
      parameters: [
        .positional(
          "status", .int, default: .int(0), bounds: .closed(0, 255), doc: "the process exit status")
      ],
      example: "quit", isRecorded: false
    ) { context in
      let status = try context.arguments.int("status")
      context.requestExit(status: Int32(status))
      return .none
    }
  }
}

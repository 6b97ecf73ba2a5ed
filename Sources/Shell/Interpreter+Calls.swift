import TensorCore

// MARK: - Calls

extension Interpreter {
  /// Runs a command or method call.
  func call(_ call: Call, range: SourceRange) throws -> Value {
    switch call.callee {
    case .command(let name, let nameRange):
      guard let command = registry.command(named: name) else {
        if let value = environment[name] {
          throw Diagnostic(.notACommand(name, type: value.typeName), at: nameRange)
        }
        let suggestion = Suggestions.closest(to: name, in: registry.names)
        throw Diagnostic(.unknownCommand(name, suggestion: suggestion), at: nameRange)
      }
      return try invoke(command, arguments: call.arguments, receiver: nil, range: range)
    case .method(let receiverExpr, let name, let nameRange):
      let receiver = try evaluate(receiverExpr)
      let methods = self.methods(of: receiver)
      guard let method = methods.first(where: { $0.name == name }) else {
        let suggestion = Suggestions.closest(to: name, in: methods.map(\.name))
        let error = ShellError.unknownMethod(
          type: receiver.typeName, method: name, suggestion: suggestion)
        throw Diagnostic(error, at: nameRange)
      }
      return try invoke(method, arguments: call.arguments, receiver: receiver, range: range)
    }
  }

  /// The methods callable on `value`.
  func methods(of value: Value) -> [Command] {
    if case .object(let object) = value { return object.methods }
    return BuiltinMembers.methods(of: value)
  }

  /// Binds `arguments`, runs `command`, and locates whatever it throws.
  func invoke(_ command: Command, arguments: [CallArgument], receiver: Value?, range: SourceRange)
    throws -> Value
  {
    let bound = try bind(arguments, to: command, callRange: range)
    let context = CommandContext(
      command: command, arguments: bound, receiver: receiver, range: range, interpreter: self)
    defer {
      for name in bound.undeclaredReads { undeclaredReads.insert("\(command.name).\(name)") }
    }
    do {
      // Engines without a shouldStop closure (inference loops) poll Ctrl-C through this.
      return try Cancellation.whilePolling({ Interrupt.isRequested }) {
        try command.run(context)
      }
    } catch let diagnostic as Diagnostic {
      throw diagnostic
    } catch is CancellationError {
      throw Diagnostic(.interrupted(at: "'\(command.name)'"), at: range)
    } catch let failure as ArgumentFailure {
      throw Diagnostic(failure.error, at: bound.range(of: failure.parameter) ?? range)
    } catch let error as ShellError {
      if case .invalidArgument(_, let parameter, _) = error, let place = bound.range(of: parameter)
      {
        throw Diagnostic(error, at: place)
      }
      throw Diagnostic(error, at: range)
    } catch {
      let failure = ShellError.commandFailed(
        command: command.name, message: String(describing: error))
      throw Diagnostic(failure, at: range)
    }
  }

  // MARK: - Binding

  /// Matches arguments to parameters: keywords by name, the rest left to right, extras into a
  /// variadic parameter; then checks types and fills defaults.
  func bind(_ arguments: [CallArgument], to command: Command, callRange: SourceRange) throws
    -> Arguments
  {
    var bound = Arguments(commandName: command.name, parameters: command.parameters.map(\.name))
    var open = command.parameters.filter { $0.kind == .positional }
    let variadic = command.parameters.first { $0.kind == .variadic }
    var collected: [Value] = []
    for argument in arguments {
      if let label = argument.label {
        let parameter = try keywordParameter(label, argument, command)
        guard !bound.isGiven(label) else {
          let error = ShellError.duplicateArgument(command: command.name, parameter: label)
          throw Diagnostic(error, at: argument.range)
        }
        open.removeAll { $0.name == label }
        let value = try value(of: argument.value, for: parameter, command)
        bound.set(label, value, range: argument.value.range)
      } else if !open.isEmpty {
        let parameter = open.removeFirst()
        let value = try value(of: argument.value, for: parameter, command)
        bound.set(parameter.name, value, range: argument.value.range)
      } else if let variadic {
        collected.append(try value(of: argument.value, for: variadic, command))
      } else {
        let maximum = command.parameters.filter { $0.kind == .positional }.count
        let error = ShellError.tooManyArguments(command: command.name, maximum: maximum)
        throw Diagnostic(error, at: argument.range)
      }
    }
    if let variadic {
      let place = arguments.last(where: { $0.label == nil })?.range
      bound.set(variadic.name, .list(collected), range: collected.isEmpty ? nil : place)
    }
    try fillDefaults(&bound, command, callRange)
    return bound
  }

  private func keywordParameter(_ label: String, _ argument: CallArgument, _ command: Command)
    throws
    -> Parameter
  {
    if let parameter = command.parameter(named: label), parameter.kind != .variadic {
      return parameter
    }
    let names = command.parameters.filter { $0.kind != .variadic }.map(\.name)
    let error = ShellError.unknownOption(
      command: command.name, option: label,
      suggestion: Suggestions.closest(to: label, in: names))
    throw Diagnostic(error, at: argument.labelRange ?? argument.range)
  }

  private func fillDefaults(_ bound: inout Arguments, _ command: Command, _ callRange: SourceRange)
    throws
  {
    for parameter in command.parameters
    where parameter.kind != .variadic && !bound.isGiven(parameter.name) {
      if let value = parameter.defaultValue {
        bound.set(parameter.name, value, range: nil)
      } else if parameter.isRequired {
        let error = ShellError.missingArgument(command: command.name, parameter: parameter.name)
        let usage = Diagnostic.Note("usage: " + HelpFormatter.usage(command))
        throw Diagnostic(error, at: callRange, notes: [usage])
      }
    }
  }

  /// Evaluates one argument and checks it against the parameter's type. A bare name in a
  /// slot that takes words or choices is literal text (`help train`, `optimizer=adam`).
  private func value(of expr: Expr, for parameter: Parameter, _ command: Command) throws -> Value {
    var value: Value
    var type = parameter.type
    if case .name(let word) = expr.kind, isLiteralWord(word, for: parameter.type) {
      value = .string(word)
      type = parameter.type.bareNameType
    } else if case .list(let elements) = expr.kind, case .list(let element) = parameter.type,
      !element.choices.isEmpty
    {
      // `methods=[raw, ts]`: bare names in a list of choices are words, like a single choice.
      value = .list(
        try elements.map { item in
          if case .name(let word) = item.kind, isLiteralWord(word, for: element) {
            return .string(word)
          }
          return try evaluate(item)
        })
    } else {
      value = try evaluate(expr)
    }
    let context =
      parameter.kind == .keyword
      ? "option '\(parameter.name)' of '\(command.name)'"
      : "argument '\(parameter.name)' of '\(command.name)'"
    switch type.match(value) {
    case .accepted(let converted):
      value = converted
      if let reason = Bounds.violation(of: parameter.bounds, in: value) {
        let error = ShellError.invalidArgument(
          command: command.name, parameter: parameter.name, reason: reason)
        throw Diagnostic(error, at: expr.range)
      }
    case .mismatch:
      let error = ShellError.typeMismatch(
        expected: parameter.type.description, found: Self.describe(value), context: context)
      throw Diagnostic(error, at: expr.range)
    case .notAChoice(let text, let choices):
      let error = ShellError.invalidChoice(
        text, context: context, choices: choices,
        suggestion: Suggestions.closest(to: text, in: choices))
      throw Diagnostic(error, at: expr.range)
    }
    return value
  }

  private func isLiteralWord(_ word: String, for type: ValueType) -> Bool {
    if type.takesWords { return true }
    let choices = type.choices
    guard !choices.isEmpty else { return false }
    return choices.contains(word)
      || (environment[word] == nil && registry.command(named: word) == nil)
  }

  /// `float 2.5`, `string "five"`, or just the type name for large values.
  static func describe(_ value: Value) -> String {
    switch value {
    case .bool, .int, .float, .string:
      let text = ValueFormatter.brief(value)
      return text.count <= 24 ? "\(value.typeName) \(text)" : value.typeName
    default:
      return value.typeName
    }
  }
}

/// Turns `ShellError` values into their one-line messages (argument-parser's MessageInfo).
enum ShellErrorMessages {
  static func message(for error: ShellError) -> String {
    switch error.category {
    case .syntax: return syntax(error)
    case .runtime: return lookup(error) ?? runtime(error)
    case .interrupt: return interrupt(error)
    }
  }

  private static func syntax(_ error: ShellError) -> String {
    switch error {
    case .unexpectedCharacter(let c): return "unexpected character '\(c)'"
    case .unterminatedString: return "unterminated string"
    case .invalidEscape(let e): return "invalid escape '\\\(e)' in string"
    case .malformedNumber(let text): return "malformed number '\(text)'"
    case .expected(let what, let found): return "expected \(what), found \(found)"
    case .unclosed(let opener, let closer, let found):
      return "expected '\(closer)' to close '\(opener)', found \(found)"
    case .invalidAssignmentTarget: return "cannot assign to this expression; use 'name = value'"
    case .tooDeeplyNested(let limit): return "expression nested more than \(limit) levels deep"
    case .expressionTooLong(let limit):
      return "statement has more than \(limit) operators and postfix links; split it"
    default: return runtime(error)
    }
  }

  /// Messages for names that were not found, with a "did you mean" tail.
  private static func lookup(_ error: ShellError) -> String? {
    switch error {
    case .unknownVariable(let name, let suggestion):
      return "unknown variable or command '\(name)'" + didYouMean(suggestion)
    case .unknownCommand(let name, let suggestion):
      return "unknown command '\(name)'" + didYouMean(suggestion)
    case .unknownField(let type, let field, let suggestion):
      return "\(type) has no field '\(field)'" + didYouMean(suggestion)
    case .unknownMethod(let type, let method, let suggestion):
      return "\(type) has no method '\(method)'" + didYouMean(suggestion)
    case .unknownOption(let command, let option, let suggestion):
      return "'\(command)' has no option '\(option)'" + didYouMean(suggestion.map { $0 + "=" })
    case .invalidChoice(let value, let context, let choices, let suggestion):
      let list = choices.map { "'\($0)'" }.joined(separator: ", ")
      return "invalid value '\(value)' for \(context); expected one of \(list)"
        + didYouMean(suggestion)
    default:
      return nil
    }
  }

  private static func runtime(_ error: ShellError) -> String {
    switch error {
    case .notACommand(let name, let type): return "'\(name)' is a \(type), not a command"
    case .assignmentToCommand(let name):
      return "cannot assign to '\(name)': it is a command"
    case .typeMismatch(let expected, let found, let context):
      return "\(context) expects \(expected), got \(found)"
    case .missingArgument(let command, let parameter):
      return "'\(command)' is missing its argument '\(parameter)'"
    case .tooManyArguments(let command, let maximum):
      let noun = maximum == 1 ? "argument" : "arguments"
      return "'\(command)' takes \(maximum) positional \(noun)"
    case .duplicateArgument(let command, let parameter):
      return "'\(parameter)' is given twice to '\(command)'"
    case .invalidArgument(let command, let parameter, let reason):
      return "invalid '\(parameter)' for '\(command)': \(reason)"
    case .invalidOperands(let op, let lhs, let rhs):
      return "operator '\(op)' cannot combine \(lhs) and \(rhs)"
    case .divisionByZero: return "division by zero"
    case .overflow: return "integer overflow"
    case .indexOutOfRange(let index, let count):
      return "index \(index) is out of range for \(count) items"
    case .invalidRange(let reason): return "invalid range: \(reason)"
    case .commandFailed(let command, let message): return "\(command): \(message)"
    case .io(let path, let message): return "\(path): \(message)"
    case .failed(let message): return message
    case .overMemoryBudget(let what, let bytes, let budget, let lower):
      let size =
        bytes.map { "about " + MemoryBudget.format($0) } ?? "more memory than can be counted"
      let fix = lower.map { "lower \($0)= or " } ?? ""
      return "\(what) needs \(size), over the memory budget of \(MemoryBudget.format(budget)); "
        + fix + "raise the budget with ddcal --memory"
    default: return interrupt(error)
    }
  }

  private static func interrupt(_ error: ShellError) -> String {
    if case .interrupted(let location) = error {
      return location.isEmpty ? "interrupted" : "interrupted at \(location)"
    }
    return "internal error: unclassified shell error"
  }

  private static func didYouMean(_ suggestion: String?) -> String {
    suggestion.map { "; did you mean '\($0)'?" } ?? ""
  }
}

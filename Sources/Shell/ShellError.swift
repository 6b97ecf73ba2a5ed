/// Everything that can go wrong in the shell, as data.
///
/// Cases carry the names and values involved, never preformatted text; `description` is the
/// one-line message, and `DiagnosticRenderer` adds the location, source line and notes.
public enum ShellError: Error, Sendable, Equatable, CustomStringConvertible {
  // MARK: Syntax (scripts exit with status 65)

  /// A character no token starts with.
  case unexpectedCharacter(String)
  /// A string literal still open at the end of input.
  case unterminatedString
  /// A backslash escape the lexer does not know.
  case invalidEscape(String)
  /// A number literal that does not parse, such as `1e`.
  case malformedNumber(String)
  /// The parser wanted `expected` but found the token described by `found`.
  case expected(String, found: String)
  /// A bracket was not closed: `expected ']' to close '['`.
  case unclosed(opener: String, closer: String, found: String)
  /// The left side of `=` is not a plain name.
  case invalidAssignmentTarget
  /// Brackets or prefix operators nested deeper than the parser allows.
  case tooDeeplyNested(limit: Int)
  /// A statement with more operators and postfix links than the parser accepts.
  case expressionTooLong(limit: Int)

  // MARK: Runtime (scripts exit with status 70)

  /// A bare name that is neither a variable nor a command.
  case unknownVariable(String, suggestion: String?)
  /// A call whose head names no command.
  case unknownCommand(String, suggestion: String?)
  /// `value.name` where the value has no such field.
  case unknownField(type: String, field: String, suggestion: String?)
  /// `value.name args` where the value has no such method.
  case unknownMethod(type: String, method: String, suggestion: String?)
  /// `name=` that the command does not take.
  case unknownOption(command: String, option: String, suggestion: String?)
  /// A variable used as a command: `net fm`.
  case notACommand(String, type: String)
  /// `train = 3`: command names cannot be rebound.
  case assignmentToCommand(String)
  /// A value of the wrong type; `context` names the slot, e.g. "option 'lr' of 'train'".
  case typeMismatch(expected: String, found: String, context: String)
  /// A string outside a parameter's fixed set of choices.
  case invalidChoice(String, context: String, choices: [String], suggestion: String?)
  /// A required parameter was not given.
  case missingArgument(command: String, parameter: String)
  /// More positional arguments than the command takes.
  case tooManyArguments(command: String, maximum: Int)
  /// The same parameter given twice.
  case duplicateArgument(command: String, parameter: String)
  /// A well-typed argument with a bad value ("must be at least 1").
  case invalidArgument(command: String, parameter: String, reason: String)
  /// An operator applied to types it does not support.
  case invalidOperands(operator: String, lhs: String, rhs: String)
  /// Integer or modulo division by zero.
  case divisionByZero
  /// An integer result outside the 64-bit range.
  case overflow
  /// `xs[i]` with `i` outside the list.
  case indexOutOfRange(index: Int, count: Int)
  /// A malformed range such as a zero step.
  case invalidRange(String)
  /// A command failed for a reason outside the shell (file formats, shapes, ...).
  case commandFailed(command: String, message: String)
  /// Reading or writing `path` failed.
  case io(path: String, message: String)
  /// A free-form runtime failure raised by a command.
  case failed(String)
  /// `what` would need `bytes` (nil: more than an Int counts), over the memory budget
  /// `budget`; `lower` names the argument to lower, if one sets the size.
  case overMemoryBudget(what: String, bytes: Int?, budget: Int, lower: String?)

  // MARK: Interrupts

  /// Ctrl-C stopped a command at `location` ("epoch 3, step 41"); bindings are kept.
  case interrupted(at: String)

  /// Which class of failure this is, for exit statuses and rendering.
  public var category: Category {
    switch self {
    case .unexpectedCharacter, .unterminatedString, .invalidEscape, .malformedNumber, .expected,
      .unclosed, .invalidAssignmentTarget, .tooDeeplyNested, .expressionTooLong:
      return .syntax
    case .interrupted:
      return .interrupt
    case .unknownVariable, .unknownCommand, .unknownField, .unknownMethod, .unknownOption,
      .notACommand, .assignmentToCommand, .typeMismatch, .invalidChoice, .missingArgument,
      .tooManyArguments, .duplicateArgument, .invalidArgument, .invalidOperands, .divisionByZero,
      .overflow, .indexOutOfRange, .invalidRange, .commandFailed, .io, .failed,
      .overMemoryBudget:
      return .runtime
    }
  }

  /// Failure classes, each with its own script exit status.
  public enum Category: Sendable {
    case syntax, runtime, interrupt

    /// The process exit status for a script that stops here (clox: 65 and 70).
    public var exitStatus: Int32 {
      switch self {
      case .syntax: return 65
      case .runtime: return 70
      case .interrupt: return 130
      }
    }
  }

  /// The one-line message.
  public var description: String {
    ShellErrorMessages.message(for: self)
  }
}

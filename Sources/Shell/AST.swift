/// Syntax trees produced by `Parser`. Every node carries the range it was parsed from.

/// An expression node.
public struct Expr: Sendable {
  /// What the expression is.
  public var kind: ExprKind
  /// Where it was written.
  public var range: SourceRange

  /// Creates an expression node.
  public init(_ kind: ExprKind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// The forms an expression can take.
public indirect enum ExprKind: Sendable {
  case integer(Int)
  case float(Double)
  case string(String)
  case bool(Bool)
  /// A variable, or a command called without arguments.
  case name(String)
  case list([Expr])
  /// `start:stop` or `start:stop:step` (stop included).
  case range(start: Expr, stop: Expr, step: Expr?)
  /// `value.name`; `nameRange` covers just the name, for diagnostics.
  case field(Expr, name: String, nameRange: SourceRange)
  /// `value[index]`.
  case index(Expr, Expr)
  case unary(UnaryOperator, Expr)
  case binary(BinaryOperator, Expr, Expr)
  /// A command or method call, written `name args…` or `value.method args…`.
  case call(Call)
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable {
  case negate = "-"
  case not = "not"
}

/// Infix operators, loosest first in `Parser`.
public enum BinaryOperator: String, Sendable {
  case or, and
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case modulo = "%"
  case power = "^"
}

/// A command call (`train net data epochs=3`) or method call (`fm.train.sample per_class=10`).
public struct Call: Sendable {
  /// What is called.
  public var callee: Callee
  /// Positional and keyword arguments in the order written.
  public var arguments: [CallArgument]

  /// Creates a call node.
  public init(callee: Callee, arguments: [CallArgument]) {
    self.callee = callee
    self.arguments = arguments
  }
}

/// The thing a call invokes.
public enum Callee: Sendable {
  /// A registry command by name.
  case command(String, range: SourceRange)
  /// A method on the value of `receiver`.
  case method(receiver: Expr, name: String, range: SourceRange)

  /// The name being called.
  public var name: String {
    switch self {
    case .command(let name, _), .method(_, let name, _): return name
    }
  }

  /// The range of the name, for "unknown command" carets.
  public var nameRange: SourceRange {
    switch self {
    case .command(_, let range), .method(_, _, let range): return range
    }
  }
}

/// One argument: positional when `label` is nil, else `label=value`.
public struct CallArgument: Sendable {
  /// The option name of a keyword argument.
  public var label: String?
  /// Where the label was written.
  public var labelRange: SourceRange?
  /// The argument's expression.
  public var value: Expr

  /// Creates an argument node.
  public init(label: String? = nil, labelRange: SourceRange? = nil, value: Expr) {
    self.label = label
    self.labelRange = labelRange
    self.value = value
  }

  /// The whole argument, label included.
  public var range: SourceRange { labelRange.map { $0.through(value.range) } ?? value.range }
}

/// A statement node.
public struct Statement: Sendable {
  /// What the statement does.
  public var kind: StatementKind
  /// Where it was written (used to replay it in session.ddc).
  public var range: SourceRange

  /// Creates a statement node.
  public init(_ kind: StatementKind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// The forms a statement can take.
public enum StatementKind: Sendable {
  /// An expression or call; a non-call expression prints its value.
  case expression(Expr)
  /// `name = expression`.
  case assignment(name: String, nameRange: SourceRange, value: Expr)
  /// `for name in sequence { body }`.
  case forLoop(variable: String, variableRange: SourceRange, sequence: Expr, body: [Statement])
}

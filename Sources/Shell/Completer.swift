import Foundation

/// The result of completing a line: replace the text from `start` to the cursor with one of
/// `candidates`.
public struct Completion: Equatable, Sendable {
  /// Character offset in the line where the completed word begins.
  public var start: Int
  /// Replacements for the word, sorted, without duplicates.
  public var candidates: [String]

  /// Creates a completion.
  public init(start: Int, candidates: [String]) {
    self.start = start
    self.candidates = candidates
  }
}

/// Tab completion from the registry and the environment; pure, so tests call it directly.
///
/// Offers command and variable names at the start of a statement; after a command, its unused
/// `option=`s and values for the next positional parameter (variables of the right type,
/// choices, `true`/`false`); after `option=`, values for that option; after `value.`, its
/// fields and methods; inside a string, file names.
public struct Completer {
  /// Commands to offer.
  public var registry: CommandRegistry
  /// Variables to offer (and to look fields up on).
  public var environment: Environment
  /// Lists a directory as (name, isDirectory); injectable for tests.
  public var listDirectory: (String) -> [(name: String, isDirectory: Bool)]

  /// A completer over `registry` and `environment`, listing the real file system by default.
  public init(
    registry: CommandRegistry, environment: Environment,
    listDirectory: @escaping (String) -> [(name: String, isDirectory: Bool)] =
      Completer.fileSystemListing
  ) {
    self.registry = registry
    self.environment = environment
    self.listDirectory = listDirectory
  }

  /// Completions for the word ending at `cursor` (a character offset) in `line`.
  public func complete(_ line: String, cursor: Int) -> Completion {
    let prefix = String(line.prefix(cursor))
    switch lexicalContext(of: prefix) {
    case .comment:
      return Completion(start: prefix.count, candidates: [])
    case .string(let quote, let character):
      let partial = String(prefix[prefix.index(after: quote)...])
      let start = prefix.distance(from: prefix.startIndex, to: quote) + 1
      return Completion(start: start, candidates: paths(partial, closing: character))
    case .code:
      break
    }
    let tokens = Lexer.tokenize(Source(name: "<completion>", text: prefix)).dropLast()
    var statement = Self.innermostCall(
      Array(tokens).trailing { !$0.endsStatement && !$0.isPunctuation(.leftBrace) })
    var partial = ""
    var start = prefix.count
    let end = prefix.unicodeScalars.count
    if let last = statement.last, last.range.offset + last.range.length == end,
      let word = Self.word(last)
    {
      partial = word
      start = prefix.count - word.count
      statement.removeLast()
    }
    let candidates = candidates(for: statement, partial: partial)
    let matching = Set(candidates.filter { $0.hasPrefix(partial) })
    return Completion(start: start, candidates: matching.sorted())
  }

  // MARK: - Contexts

  /// Candidates given the statement's tokens before the word being completed.
  private func candidates(for tokens: [Token], partial: String) -> [String] {
    var tokens = tokens
    if tokens.count >= 2, case .identifier = tokens[0].kind, tokens[1].isPunctuation(.assign) {
      tokens.removeFirst(2)
    }
    if let last = tokens.last, last.isPunctuation(.dot) {
      return members(of: Array(tokens.dropLast()))
    }
    guard let head = tokens.first, case .identifier(let name) = head.kind else {
      return tokens.isEmpty ? statementStarts() : variableNames()
    }
    guard let command = callee(name, tokens) else {
      return tokens.count == 1 ? [] : variableNames() + registry.names
    }
    if tokens.count >= 2, tokens[tokens.count - 1].isPunctuation(.assign),
      case .identifier(let label) = tokens[tokens.count - 2].kind
    {
      guard let parameter = command.parameter(named: label) else { return [] }
      return values(for: parameter.effectiveCompletion)
    }
    return arguments(of: command, after: Array(tokens.dropFirst(calleeLength(tokens))))
  }

  /// The tokens after the last unclosed `(`: a sub-command such as `x = (eval net f` is
  /// completed like a statement of its own.
  static func innermostCall(_ tokens: [Token]) -> [Token] {
    var open: [Int] = []
    for (index, token) in tokens.enumerated() {
      if token.isPunctuation(.leftParen) { open.append(index) }
      if token.isPunctuation(.rightParen), !open.isEmpty { open.removeLast() }
    }
    guard let last = open.last else { return tokens }
    return Array(tokens[(last + 1)...])
  }

  /// Command names, variable names and `for`.
  private func statementStarts() -> [String] {
    registry.names + environment.names + ["for"]
  }

  private func variableNames() -> [String] { environment.names }

  /// The command (or method) being called when the statement starts with `name…`.
  private func callee(_ name: String, _ tokens: [Token]) -> Command? {
    let length = calleeLength(tokens)
    guard length > 1 else { return registry.command(named: name) }
    guard let receiver = value(of: Array(tokens.prefix(length - 2))),
      case .identifier(let method) = tokens[length - 1].kind
    else { return nil }
    if case .object(let object) = receiver {
      return object.methods.first { $0.name == method }
    }
    return BuiltinMembers.methods(of: receiver).first { $0.name == method }
  }

  /// Tokens in the callee `a.b.c` at the start of `tokens`.
  private func calleeLength(_ tokens: [Token]) -> Int {
    var length = 1
    while length + 1 < tokens.count, tokens[length].isPunctuation(.dot),
      case .identifier = tokens[length + 1].kind, !tokens[length].spaceBefore
    {
      length += 2
    }
    return length
  }

  /// Unused `option=`s plus values for the next positional parameter.
  private func arguments(of command: Command, after tokens: [Token]) -> [String] {
    let (positionalCount, used) = Self.scanArguments(tokens)
    let options = command.parameters
      .filter { $0.kind == .keyword && !used.contains($0.name) }
      .map { $0.name + "=" }
    let positional = command.parameters.filter { $0.kind != .keyword && !used.contains($0.name) }
    let next =
      positional.count > positionalCount
      ? positional[positionalCount] : positional.last(where: { $0.kind == .variadic })
    let nextValues = next.map { self.values(for: $0.effectiveCompletion) } ?? []
    return options + nextValues
  }

  /// Counts positional arguments and collects option labels among argument tokens: an
  /// argument starts at a spaced token outside brackets that neither is nor follows an operator.
  static func scanArguments(_ tokens: [Token]) -> (positional: Int, labels: Set<String>) {
    var positional = 0
    var labels: Set<String> = []
    var depth = 0
    for (index, token) in tokens.enumerated() {
      let atTop = depth == 0
      switch token.kind {
      case .punctuation(.leftParen), .punctuation(.leftBracket): depth += 1
      case .punctuation(.rightParen), .punctuation(.rightBracket): depth = max(0, depth - 1)
      default: break
      }
      let negative =
        token.isPunctuation(.minus) && token.spaceBefore
        && index + 1 < tokens.count && !tokens[index + 1].spaceBefore
      guard atTop, index == 0 || token.spaceBefore, negative || !isOperator(token) else {
        continue
      }
      if index > 0, isOperator(tokens[index - 1]) { continue }
      if case .identifier(let label) = token.kind, index + 1 < tokens.count,
        tokens[index + 1].isPunctuation(.assign)
      {
        labels.insert(label)
      } else {
        positional += 1
      }
    }
    return (positional, labels)
  }

  /// Punctuation other than brackets: the next token continues the same argument.
  private static func isOperator(_ token: Token) -> Bool {
    guard case .punctuation(let p) = token.kind else { return false }
    switch p {
    case .leftParen, .leftBracket, .rightParen, .rightBracket: return false
    default: return true
    }
  }

  // MARK: - Values

  /// Candidates for a parameter value.
  private func values(for hint: CompletionHint) -> [String] {
    switch hint {
    case .variables: return variableNames()
    case .variablesOfType(let types):
      return environment.bindings.filter { types.contains($0.value.typeName) }.map(\.name)
    case .words(let words): return words
    case .commands: return registry.names
    case .filePath: return paths("", closing: "\"").map { "\"" + $0 }
    case .combined(let hints): return hints.flatMap(values(for:))
    case .none: return []
    }
  }

  /// Fields and methods of the value named by `tokens` (`name` or `name.field…`).
  private func members(of tokens: [Token]) -> [String] {
    guard let value = value(of: tokens) else { return [] }
    let methods: [Command]
    if case .object(let object) = value {
      methods = object.methods
    } else {
      methods = BuiltinMembers.methods(of: value)
    }
    return BuiltinMembers.fieldNames(of: value) + methods.map(\.name)
  }

  /// Evaluates `a.b.c` from variables and fields only (never running a command).
  private func value(of tokens: [Token]) -> Value? {
    let chain = tokens.trailing { token in
      if case .identifier = token.kind { return true }
      return token.isPunctuation(.dot)
    }
    guard let first = chain.first, case .identifier(let name) = first.kind,
      var value = environment[name]
    else { return nil }
    for token in chain.dropFirst() {
      guard case .identifier(let field) = token.kind else { continue }
      guard let next = try? BuiltinMembers.field(field, of: value) else { return nil }
      value = next
    }
    return value
  }

  /// The identifier or keyword text of `token`, if it is a word.
  private static func word(_ token: Token) -> String? {
    switch token.kind {
    case .identifier(let name): return name
    case .keyword(let keyword): return keyword.rawValue
    default: return nil
    }
  }
}

extension Array {
  /// The longest suffix whose elements all satisfy `predicate`.
  func trailing(while predicate: (Element) -> Bool) -> [Element] {
    Array(reversed().prefix(while: predicate).reversed())
  }
}

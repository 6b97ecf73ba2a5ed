import Shell
import Testing

extension ShellTestSuite {
  @Suite struct LexerTests {
    /// The kinds of the tokens of `text`, without the final end of input.
    static func kinds(_ text: String) -> [TokenKind] {
      Lexer.tokenize(Source(name: "t", text: text)).dropLast().map(\.kind)
    }

    // MARK: - Words and numbers

    @Test func identifiersKeywordsAndHyphenatedNames() {
      #expect(
        Self.kinds("fm = load fashion-mnist") == [
          .identifier("fm"), .punctuation(.assign), .identifier("load"),
          .identifier("fashion-mnist"),
        ])
      #expect(
        Self.kinds("for x in xs") == [
          .keyword(.for), .identifier("x"), .keyword(.in), .identifier("xs"),
        ])
      #expect(Self.kinds("x-1") == [.identifier("x"), .punctuation(.minus), .integer(1)])
      #expect(Self.kinds("a - b") == [.identifier("a"), .punctuation(.minus), .identifier("b")])
      #expect(Self.kinds("per_class") == [.identifier("per_class")])
    }

    @Test(arguments: [
      ("42", TokenKind.integer(42)), ("0.5", .float(0.5)), ("1e-3", .float(0.001)),
      ("2E+2", .float(200)), ("60_000", .integer(60000)),
      ("99999999999999999999", .float(1e20)),
      ("1e", .invalid(.malformedNumber("1e"))), ("2x", .invalid(.malformedNumber("2x"))),
    ])
    func numbers(_ text: String, _ kind: TokenKind) {
      #expect(Self.kinds(text) == [kind])
    }

    @Test func numberFollowedByFieldAccessStaysAnInteger() {
      #expect(Self.kinds("1.x") == [.integer(1), .punctuation(.dot), .identifier("x")])
    }

    // MARK: - Strings

    @Test func stringsAndEscapes() {
      #expect(Self.kinds(#""a\tb\n\"q\"""#) == [.string("a\tb\n\"q\"")])
      #expect(Self.kinds("'it''s'") == [.string("it"), .string("s")])
      #expect(Self.kinds("\"two\nlines\"") == [.string("two\nlines")])
      #expect(Self.kinds(#""bad \q""#) == [.invalid(.invalidEscape("q"))])
      #expect(Self.kinds("\"open") == [.invalid(.unterminatedString)])
    }

    // MARK: - Layout

    @Test func commentsAndNewlines() {
      #expect(
        Self.kinds("a # note\nb") == [.identifier("a"), .newline, .identifier("b")])
      #expect(
        Self.kinds("[1,\n 2]") == [
          .punctuation(.leftBracket), .integer(1), .punctuation(.comma), .integer(2),
          .punctuation(.rightBracket),
        ])
    }

    @Test func twoCharacterOperators() {
      #expect(
        Self.kinds("a==b!=c<=d>=e") == [
          .identifier("a"), .punctuation(.equal), .identifier("b"), .punctuation(.notEqual),
          .identifier("c"), .punctuation(.lessEqual), .identifier("d"),
          .punctuation(.greaterEqual), .identifier("e"),
        ])
    }

    @Test func unexpectedCharacter() {
      #expect(
        Self.kinds("x = @") == [
          .identifier("x"), .punctuation(.assign), .invalid(.unexpectedCharacter("@")),
        ])
    }

    @Test func positionsAndSpacing() {
      let tokens = Lexer.tokenize(Source(name: "s", text: "ab cd\n  x-1", firstLine: 10))
      #expect(
        tokens[1].range == SourceRange(sourceName: "s", line: 10, column: 4, length: 2, offset: 3))
      #expect(tokens[3].range.line == 11 && tokens[3].range.column == 3)
      #expect(tokens.map(\.spaceBefore) == [true, true, false, true, false, false, false])
    }
  }
}

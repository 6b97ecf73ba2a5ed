import Shell
import Testing

extension ShellTestSuite {
  /// Every registry entry is complete, since `help`, completion and diagnostics read nothing
  /// else: a summary, a doc line per parameter, and an example that parses and uses it.
  @Suite struct RegistryTests {
    static let entries = CommandRegistry.standard.commands + CommandRegistry.methods

    @Test(arguments: entries.map(\.name))
    func entryIsDocumented(_ name: String) throws {
      let command = try #require(Self.entries.first { $0.name == name })
      #expect(!command.summary.isEmpty)
      #expect(command.parameters.allSatisfy { !$0.doc.isEmpty })
      let result = Parser.parse(Source(name: "example", text: command.example))
      #expect(result.diagnostics.isEmpty, "example of \(name): \(command.example)")
      #expect(
        command.example.split(separator: " ").contains { $0.hasSuffix(name) },
        "example of \(name) does not call it: \(command.example)")
    }

    @Test func datasetMethodsAreListedForHelp() {
      let names = CommandRegistry.methods.map(\.name)
      #expect(names == ["sample", "split", "take", "classes", "shift", "temperature"])
      #expect(CommandRegistry.standard.command(named: "dataset")?.family == .data)
    }
  }
}

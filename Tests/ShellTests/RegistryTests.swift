import Testing

@testable import Shell

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

    /// Every int or float parameter declares the values it accepts (checked in one place when
    /// arguments bind), and its default lies within them.
    @Test(arguments: entries.map(\.name))
    func numericParametersDeclareBounds(_ name: String) throws {
      let command = try #require(Self.entries.first { $0.name == name })
      for parameter in command.parameters where parameter.isNumeric {
        let bounds = parameter.bounds
        #expect(bounds != nil, "\(name) \(parameter.name)= declares no bounds")
        guard let bounds, let value = parameter.defaultValue else { continue }
        let numbers = value.number.map { [$0] } ?? value.elements?.compactMap(\.number) ?? []
        for number in numbers {
          #expect(bounds.contains(number), "\(name) \(parameter.name)= default \(number)")
        }
      }
    }

    @Test func builtinMethodsDeclareBounds() {
      for method in BuiltinMembers.methods(of: .tensor(.init(shape: [1], data: [0]))) {
        for parameter in method.parameters where parameter.isNumeric {
          #expect(parameter.bounds != nil, "\(method.name) \(parameter.name)=")
        }
      }
    }

    @Test func datasetMethodsAreListedForHelp() {
      let names = CommandRegistry.methods.map(\.name)
      #expect(names == ["sample", "split", "take", "classes", "shift", "temperature"])
      #expect(CommandRegistry.standard.command(named: "dataset")?.family == .data)
    }
  }
}

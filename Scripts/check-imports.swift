// Checks the module dependency table (docs/ARCHITECTURE.md §1) against Package.swift, in both directions: each
// target declares every package target it imports, and imports every target it declares.
// SwiftPM's --explicit-target-dependency-import-check only fails an import of a target
// outside the importer's transitive dependencies (a test target importing Datasets through
// Shell passes it); this check wants the direct edge, and no edge that is not used.
// Run from the package root: `swift Scripts/check-imports.swift`; exits 1 on a finding.
import Foundation

struct Target: Decodable {
  let name: String
  let path: String
  let sources: [String]?
  let target_dependencies: [String]?
}

struct Description: Decodable { let targets: [Target] }

func describePackage() throws -> Description {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["swift", "package", "describe", "--type", "json"]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    print("error: `swift package describe` failed")
    exit(1)
  }
  return try JSONDecoder().decode(Description.self, from: data)
}

/// Module names imported by a Swift file: `import X`, `@testable import X`,
/// `import struct X.Y`.
func imports(in file: String) -> Set<String> {
  guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
  var modules: Set<String> = []
  for line in text.split(separator: "\n") {
    var words = line.split(separator: " ").drop { $0.hasPrefix("@") }
    guard words.first == "import" else { continue }
    words = words.dropFirst()
    let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "func", "var", "let"]
    if let kind = words.first, kinds.contains(kind) { words = words.dropFirst() }
    if let name = words.first?.split(separator: ".").first { modules.insert(String(name)) }
  }
  return modules
}

let targets = try describePackage().targets
let names = Set(targets.map(\.name))
var findings: [String] = []
for target in targets.sorted(by: { $0.name < $1.name }) {
  guard let sources = target.sources, sources.contains(where: { $0.hasSuffix(".swift") }) else {
    continue  // system libraries: a module map, no imports
  }
  let declared = Set(target.target_dependencies ?? [])
  let imported = sources.filter { $0.hasSuffix(".swift") }
    .reduce(into: Set<String>()) { $0.formUnion(imports(in: target.path + "/" + $1)) }
    .intersection(names).subtracting([target.name])
  for name in imported.subtracting(declared).sorted() {
    findings.append("\(target.name) imports \(name) but does not declare it in Package.swift")
  }
  for name in declared.subtracting(imported).sorted() {
    findings.append("\(target.name) declares \(name) in Package.swift but never imports it")
  }
}
findings.forEach { print("error: \($0)") }
exit(findings.isEmpty ? 0 : 1)

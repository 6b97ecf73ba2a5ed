import Foundation
import Fuzzing

// ddcal-fuzz [TARGET…] [--count N] [--seed S]: mutation fuzzing of the file readers and the
// script parser (`make fuzz`). Prints one report line per target; a crash or hang stops the
// process (status ≠ 0) with the reproducer left in the scratch directory.
var targets: [FuzzTarget] = []
var count = 100_000
var seed: UInt64 = 1
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--count": count = arguments.popFirst().flatMap { Int($0) } ?? count
  case "--seed": seed = arguments.popFirst().flatMap { UInt64($0) } ?? seed
  case "all": targets = FuzzTarget.allCases
  default:
    guard let target = FuzzTarget(rawValue: argument) else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
      FileHandle.standardError.write(
        Data("ddcal-fuzz: unknown target '\(argument)' (\(names), all)\n".utf8))
      exit(64)
    }
    targets.append(target)
  }
}
if targets.isEmpty { targets = FuzzTarget.allCases }
let scratch = FileManager.default.temporaryDirectory
  .appendingPathComponent("ddcal-fuzz-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
var crashes = 0
for target in targets {
  let report = try FuzzRun(target: target, count: count, seed: seed).run(scratch: scratch)
  print(report)
  crashes += report.crashes + report.hangs
}
try? FileManager.default.removeItem(atPath: scratch)
print("total: \(targets.count * count) inputs, 0 crashes, 0 hangs")

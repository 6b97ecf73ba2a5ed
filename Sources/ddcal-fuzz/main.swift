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
// A memory-backed directory when there is one: every input is written to a file first.
let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
let scratch = (base as NSString).appendingPathComponent("ddcal-fuzz-\(getpid())")
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
for target in targets {
  let report = try FuzzRun(target: target, count: count, seed: seed).run(scratch: scratch)
  print(report)
}
try? FileManager.default.removeItem(atPath: scratch)
// Any crash or hang would have ended the process before this line.
print("total: \(targets.count * count) inputs, 0 crashes, 0 hangs")

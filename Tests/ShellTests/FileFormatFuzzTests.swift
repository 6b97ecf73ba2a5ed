import Foundation
import Fuzzing
import Testing

extension ShellTestSuite {
  /// A small budget of the `make fuzz` run: every reader and the parser over mutated inputs,
  /// each input either read or rejected with an error (a crash or hang would stop the run).
  @Suite struct FileFormatFuzzTests {
    @Test(arguments: FuzzTarget.allCases)
    func mutatedInputsAreReadOrRejected(_ target: FuzzTarget) throws {
      let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("ddcal-fuzz-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: scratch) }
      let report = try FuzzRun(target: target, count: 400, seed: 7).run(scratch: scratch.path)
      #expect(report.inputs == 400)
      #expect(report.accepted >= 1, "the unmutated seeds are read")
      #expect(report.rejected >= 100, "most mutations are rejected with an error")
    }
  }
}

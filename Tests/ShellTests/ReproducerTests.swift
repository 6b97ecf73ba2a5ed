import Foundation
import Testing

extension ShellTestSuite {
  /// Inputs that once crashed or hung the process, run through the built `ddcal` (a crash in
  /// process would take the test runner down with it): each now ends with a diagnostic at
  /// the culprit and exit status 65 (syntax) or 70 (runtime), or succeeds.
  @Suite struct ReproducerTests {
    /// A 4-image dataset of 8×8 grey images, two classes, and a 2-channel ConvNet-1 on it.
    static let tiny =
      "d = dataset (randn [4, 1, 8, 8] seed=1) [0, 1, 0, 1]; net = convnet d depth=1 width=2; "

    /// Runs ddcal on `script` as standard input. Output goes to files, not pipes, so a long
    /// diagnostic can never fill a pipe while the other is being read.
    static func run(_ script: String, _ arguments: [String] = []) throws -> EndToEndTests.Run {
      let binary = try #require(EndToEndTests.executable, "build the ddcal product first")
      let directory = try EndToEndTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let paths = ["in", "out", "err"].map { directory.appendingPathComponent($0) }
      try Data(script.utf8).write(to: paths[0])
      FileManager.default.createFile(atPath: paths[1].path, contents: nil)
      FileManager.default.createFile(atPath: paths[2].path, contents: nil)
      let process = Process()
      process.executableURL = binary
      process.arguments = ["--no-session", "--quiet"] + arguments
      process.currentDirectoryURL = directory
      process.standardInput = try FileHandle(forReadingFrom: paths[0])
      process.standardOutput = try FileHandle(forWritingTo: paths[1])
      process.standardError = try FileHandle(forWritingTo: paths[2])
      try process.run()
      process.waitUntilExit()
      let read = { (url: URL) in
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
      }
      return EndToEndTests.Run(
        status: process.terminationStatus, out: read(paths[1]), err: read(paths[2]))
    }

    /// `status` and a diagnostic containing `message`, located in <stdin>.
    static func expectFailure(
      _ run: EndToEndTests.Run, status: Int32 = 70, _ message: String,
      sourceLocation: SourceLocation = #_sourceLocation
    ) {
      #expect(run.status == status, "\(run.err.prefix(400))", sourceLocation: sourceLocation)
      #expect(run.err.contains("<stdin>:"), sourceLocation: sourceLocation)
      #expect(
        run.err.contains(message), "\(run.err.prefix(400))", sourceLocation: sourceLocation)
    }

    @Test func longOperatorAndPostfixChainsEvaluate() throws {
      let sum = "x = " + Array(repeating: "1", count: 5000).joined(separator: "+") + "\nprint x\n"
      let powers =
        "y = " + Array(repeating: "1", count: 5000).joined(separator: "^") + "\nprint y\n"
      let indices = "xs = [[1]]\nz = xs" + String(repeating: "[0]", count: 1) + "[0]\n"
      let run = try Self.run(sum + powers + indices + "print z\n")
      #expect(run.status == 0, "\(run.err.prefix(300))")
      #expect(run.out == "5000\n1\n1\n")
    }

    @Test func longFieldAndIndexChainsFailCleanly() throws {
      let fields = try Self.run("t = [1]\nr = t" + String(repeating: ".a", count: 5000) + "\n")
      Self.expectFailure(fields, "list has no field 'a'")
      let indices = try Self.run("r = [1]" + String(repeating: "[0]", count: 5000) + "\n")
      Self.expectFailure(indices, "indexing expects list, range or tensor, got int")
      let methods = try Self.run("t = randn [2]\nr = t" + String(repeating: ".sum", count: 5000))
      Self.expectFailure(methods, "float has no field 'sum'")
    }

    @Test func overlongStatementIsASyntaxError() throws {
      let sum = "x = 1" + String(repeating: "+1", count: 30_000) + "\n"
      let run = try Self.run(sum)
      Self.expectFailure(run, status: 65, "more than 20000 operators")
    }

    @Test func reshapeOverflowIsAnError() throws {
      let run = try Self.run("t = randn [2, 3]; t.reshape [9223372036854775807, 2]\n")
      Self.expectFailure(run, "invalid 'shape' for 'reshape'")
    }

    @Test func doublingAListHitsTheMemoryBudget() throws {
      let run = try Self.run("xs=[1]; for i in 1:40 { xs = xs + xs }\n", ["--memory", "64M"])
      Self.expectFailure(run, "over the memory budget of 64.0 MiB")
      #expect(run.err.contains("--memory"))
    }

    @Test func hugeTensorsNameTheArgumentToLower() throws {
      let run = try Self.run("z = zeros [100000, 100000, 100]\n")
      Self.expectFailure(run, "'zeros' [100000, 100000, 100] needs about 3.6 TiB")
      #expect(run.err.contains("lower shape="))
    }

    @Test(arguments: ["1e-300", "1e-5", "1000"])
    func extremeMixupTrains(_ alpha: String) throws {
      let run = try Self.run(Self.tiny + "h = train net d epochs=1 batch=4 mixup=\(alpha)\n")
      #expect(run.status == 0, "\(run.err.prefix(300))")
    }

    @Test(arguments: [
      ("train net d mixup=1e300", "invalid 'mixup' for 'train': must be in [0, 1000]"),
      ("train net d mixup=-1", "invalid 'mixup'"),
      ("train net d lr=1e300*1e300", "invalid 'lr' for 'train': must be finite, not inf"),
      ("train net d momentum=1", "invalid 'momentum'"),
      ("evaluate_set d d depth=9223372036854775807", "invalid 'depth' for 'evaluate_set'"),
      ("distill dm d depth=9223372036854775807", "invalid 'depth' for 'distill'"),
      ("experts d depth=9223372036854775807", "invalid 'depth' for 'experts'"),
      ("experts d batch=9223372036854775807", "invalid 'batch' for 'experts'"),
      ("evaluate_set d d width=100000", "invalid 'width' for 'evaluate_set'"),
      ("calibrate net d method=mts v=0", "invalid 'v' for 'calibrate'"),
      ("maxlogit net d r=1.5", "invalid 'r' for 'maxlogit'"),
      ("show d dpi=-5", "invalid 'dpi' for 'show'"),
      ("experts d dir=\"/proc/nope\" count=1 epochs=1", "cannot create the directory"),
    ])
    func badArgumentsAreNamed(_ statement: String, _ message: String) throws {
      let run = try Self.run(Self.tiny + statement + "\n")
      Self.expectFailure(run, message)
      #expect(!run.err.contains("Error Domain"))
    }

    @Test(arguments: ["distill dc e ipc=1 iterations=1", "distill dm e init=noise iterations=1"])
    func distillingAnEmptyClassIsAnError(_ statement: String) throws {
      let data = "e = dataset (randn [4, 1, 8, 8]) [0, 0, 2, 2] classes=3\n"
      let run = try Self.run(data + statement + " width=2 depth=1\n")
      Self.expectFailure(run, "class 1 ('1') of dataset has no images")
    }

    @Test func emptyImagesAreRefused() throws {
      let run = try Self.run("d = dataset (zeros [2, 1, 0, 0]) [0, 1]; show d\n")
      Self.expectFailure(run, "invalid 'images' for 'dataset'")
    }

    @Test func hugeLabelsAreRefused() throws {
      let run = try Self.run("d = dataset (randn [2, 1, 4, 4]) [0, 4611686018427387904]\n")
      Self.expectFailure(run, "invalid 'labels' for 'dataset'")
      let maximum = try Self.run("d = dataset (randn [2, 1, 4, 4]) [0, 9223372036854775807]\n")
      Self.expectFailure(maximum, "invalid 'labels' for 'dataset'")
    }

    @Test(arguments: [[1, 28, 28, 10, 3, 100_000, 0, 0], [1, 1 << 31, 1 << 31, 10, 3, 128, 0, 0]])
    func modelFilesAskingForHugeNetworksAreRefused(_ code: [Int]) throws {
      let directory = try EndToEndTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let file = directory.appendingPathComponent("net.npz")
      try NPZFixture.write(
        [.int64("ddcal.config", shape: [8], code.map(Int64.init))], to: file)
      let run = try Self.run("m = load \"\(file.path)\"\n")
      Self.expectFailure(run, "malformed ddcal.config")
      #expect(run.err.contains(code[5] > 1024 ? "width 1…1024" : "image height 1…1024"))
    }
  }
}

import Datasets
import Foundation
import TensorCore
import Testing

extension ShellTestSuite {
  /// The same tiny script run by one process and by `mpirun -np 2` (docs/ARCHITECTURE.md §7):
  /// experts, evaluate_set, calibration_table and distill dm give identical results, distill mtt equal ones
  /// within a Float tolerance; rank 0 alone prints and writes result files.
  @Suite(.serialized) struct ClusterEndToEndTests {
    /// Writes `out/…`: the experts, the printed evaluation, the DM and MTT sets.
    static let script = """
      fm = load fashion-mnist
      tr = fm.train.sample per_class=12 seed=1
      te = fm.test.sample per_class=6 seed=2
      world
      ex = experts tr count=3 epochs=2 width=8 depth=2 batch=64 dir=(out + "/experts") seed=3
      e = evaluate_set (tr.sample per_class=2 seed=4) te models=3 epochs=3 width=8 depth=2 seed=5
      print e.accuracies e.eces e.nll
      save (e.models[2]) (out + "/model2.npz")
      small = tr.sample per_class=2 seed=4
      t = calibration_table [small] te models=2 epochs=2 width=8 depth=2 methods=[raw, ts] seed=8
      t
      dm = distill dm tr ipc=2 iterations=3 width=8 depth=2 batch_real=16 seed=6 checkpoint=(out + "/dm-ck.npz")
      save dm (out + "/dm.npz")
      mtt = distill mtt tr ipc=2 iterations=2 width=8 depth=2 experts=ex syn_steps=3 expert_epochs=1 max_start_epoch=1 seed=7
      save mtt (out + "/mtt.npz")
      """

    /// mpirun from PATH (make deps installs openmpi-bin).
    static var mpirun: String? {
      let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
      return paths.map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `command` with `arguments` in `directory`; standard output and error.
    static func run(_ command: String, _ arguments: [String], in directory: URL) throws
      -> EndToEndTests.Run
    {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: command)
      process.arguments = arguments
      process.currentDirectoryURL = directory
      var environment = ProcessInfo.processInfo.environment
      environment["DDCAL_HISTORY"] = "/dev/null"
      environment["OPENBLAS_NUM_THREADS"] = "1"
      process.environment = environment
      let stdout = Pipe()
      let stderr = Pipe()
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = stdout
      process.standardError = stderr
      try process.run()
      let err = Task { stderr.fileHandleForReading.readDataToEndOfFile() }
      let out = stdout.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return EndToEndTests.Run(
        status: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
        err: String(decoding: try awaitData(err), as: UTF8.self))
    }

    private static func awaitData(_ task: Task<Data, Never>) throws -> Data {
      let semaphore = DispatchSemaphore(value: 0)
      nonisolated(unsafe) var data = Data()
      Task {
        data = await task.value
        semaphore.signal()
      }
      semaphore.wait()
      return data
    }

    static func array(_ file: URL, _ member: String) throws -> NDArray {
      let archive = try NPZ.read(file.path)
      return try #require(archive[member]?.float32Array, "\(file.lastPathComponent): \(member)")
    }

    @Test func twoRanksMatchOneProcess() throws {
      let binary = try #require(EndToEndTests.executable, "build the ddcal product first")
      let mpirun = try #require(Self.mpirun, "mpirun is missing: run make deps")
      let directory = try EndToEndTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let script = directory.appendingPathComponent("cluster.ddc")
      try Self.script.write(to: script, atomically: true, encoding: .utf8)
      let ddcal = ["--no-session", "--quiet", "--threads", "1"]
      let single = try Self.run(
        binary.path, ddcal + ["-e", "out = \"single\"", script.path], in: directory)
      #expect(single.status == 0, "\(single.err)")
      let mpi = try Self.run(
        mpirun,
        ["--allow-run-as-root", "--oversubscribe", "-np", "2", binary.path] + ddcal
          + ["-e", "out = \"mpi\"", script.path], in: directory)
      #expect(mpi.status == 0, "\(mpi.err)")
      let again = try Self.run(
        mpirun,
        ["--allow-run-as-root", "--oversubscribe", "-np", "2", binary.path] + ddcal
          + ["-e", "out = \"again\"", script.path], in: directory)
      #expect(again.status == 0, "\(again.err)")
      // Rank 0 alone prints: the world table differs, the results do not.
      let worldless = { (text: String) in
        text.split(separator: "\n").filter { !$0.hasPrefix("world:") && !$0.hasPrefix("  ") }
      }
      let sameNames = mpi.out.replacingOccurrences(
        of: "saved model to mpi/", with: "saved model to single/"
      )
      .replacingOccurrences(of: "saved dataset to mpi/", with: "saved dataset to single/")
      #expect(worldless(sameNames) == worldless(single.out))
      #expect(mpi.out.contains("world: 2 ranks (mpirun)"))
      #expect(single.out.contains("world: 1 rank (one process, no mpirun)"))
      let one = directory.appendingPathComponent("single")
      let two = directory.appendingPathComponent("mpi")
      for file in ["experts/expert_0.npz", "experts/expert_1.npz", "experts/expert_2.npz"] {
        let a = try Self.array(one.appendingPathComponent(file), "trajectory")
        let b = try Self.array(two.appendingPathComponent(file), "trajectory")
        #expect(a.data == b.data, "\(file)")
      }
      let model = try NPZ.read(one.appendingPathComponent("model2.npz").path)
      let model2 = try NPZ.read(two.appendingPathComponent("model2.npz").path)
      #expect(model.members == model2.members)
      let dm = try Self.array(one.appendingPathComponent("dm.npz"), "images")
      #expect(dm.data == (try Self.array(two.appendingPathComponent("dm.npz"), "images")).data)
      // MTT adds the student chunks' gradients in another order: equal within Float rounding.
      let mtt = try Self.array(one.appendingPathComponent("mtt.npz"), "images")
      let mtt2 = try Self.array(two.appendingPathComponent("mtt.npz"), "images")
      // The same world size and seed give the same set, bit for bit.
      let mtt3 = try Self.array(directory.appendingPathComponent("again/mtt.npz"), "images")
      #expect(mtt2.data == mtt3.data)
      let difference = zip(mtt.data, mtt2.data).map { abs($0 - $1) }.max() ?? .infinity
      #expect(mtt.data.count == mtt2.data.count && difference < 1e-4, "max |Δ| \(difference)")
      // A checkpoint resumes under another world size: one process continues the 2-rank run,
      // two ranks continue the one-process run, and both reach the same set.
      let resume = { (from: String) in
        "fm = load fashion-mnist; tr = fm.train.sample per_class=12 seed=1; "
          + "r = resume \"\(from)/dm-ck.npz\" tr iterations=4; save r \"\(from)/dm4.npz\""
      }
      let fromTwo = try Self.run(binary.path, ddcal + ["-e", resume("mpi")], in: directory)
      #expect(fromTwo.status == 0, "\(fromTwo.err)")
      let fromOne = try Self.run(
        mpirun,
        ["--allow-run-as-root", "--oversubscribe", "-np", "2", binary.path] + ddcal
          + ["-e", resume("single")], in: directory)
      #expect(fromOne.status == 0, "\(fromOne.err)")
      let dm4 = try Self.array(one.appendingPathComponent("dm4.npz"), "images")
      #expect(dm4.data == (try Self.array(two.appendingPathComponent("dm4.npz"), "images")).data)
    }

    @Test func aFailingStatementEndsEveryRankWithItsPlace() throws {
      let binary = try #require(EndToEndTests.executable, "build the ddcal product first")
      let mpirun = try #require(Self.mpirun, "mpirun is missing: run make deps")
      let directory = try EndToEndTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let run = try Self.run(
        mpirun,
        ["--allow-run-as-root", "--oversubscribe", "-np", "2", binary.path, "--no-session"]
          + ["-e", "x = 1", "-e", "y = nosuch 3"], in: directory)
      #expect(run.status != 0)
      #expect(run.err.contains("error: unknown command 'nosuch'"))
      #expect(run.err.contains("ddcal: rank 0 of 2"))
      #expect(run.err.contains("during `y = nosuch 3` at <command-line:2>:1:1"))
    }

    /// Two ranks in two working directories stand for two machines without a shared one.
    @Test func gatheredExpertsReachEveryRank() throws {
      let binary = try #require(EndToEndTests.executable, "build the ddcal product first")
      let mpirun = try #require(Self.mpirun, "mpirun is missing: run make deps")
      let directory = try EndToEndTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let script = directory.appendingPathComponent("gather.ddc")
      try """
      fm = load fashion-mnist
      tr = fm.train.sample per_class=6 seed=1
      ex = experts tr count=3 epochs=1 width=4 depth=1 batch=64 dir="experts" seed=3 gather=true
      print ex.count
      """.write(to: script, atomically: true, encoding: .utf8)
      var arguments = ["--allow-run-as-root", "--oversubscribe"]
      for rank in ["a", "b"] {
        let place = directory.appendingPathComponent(rank)
        try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
        if rank == "b" { arguments.append(":") }
        arguments += ["-np", "1", "-wdir", place.path, binary.path, "--no-session", script.path]
      }
      let run = try Self.run(mpirun, arguments, in: directory)
      #expect(run.status == 0, "\(run.err)")
      #expect(run.out == "3\n")
      for i in 0..<3 {
        let a = directory.appendingPathComponent("a/experts/expert_\(i).npz")
        let b = directory.appendingPathComponent("b/experts/expert_\(i).npz")
        #expect(try Data(contentsOf: a) == (try Data(contentsOf: b)), "expert_\(i)")
      }
    }
  }
}

import Datasets
import Foundation
import Shell
import Testing

extension ShellTestSuite {
  /// A session interrupted with Ctrl-C replays to the same state: session.ddc records an
  /// interrupted `train` with steps= and an interrupted `distill` with stop=, and a failed
  /// statement that drew random streams with a `seed … streams=` line.
  @Suite struct ReplayTests {
    static let session = """
      sub = fm.train.sample per_class=2
      net = convnet sub width=4 depth=1
      h = train net sub epochs=3 batch=10   # ctrl-c after 4 steps
      train net sub epochs=1 aug="nosuch"
      r = eval net sub
      print r.nll r.accuracy h.epochs h.loss
      plot reliability net data=sub
      s = distill dm sub ipc=1 iterations=6 width=4 depth=1 batch_real=4   # ctrl-c after 3 steps
      print s.iteration s.images.sum
      show s
      h2 = train net s epochs=2 batch=5
      print (eval net sub).nll h2.loss

      """

    @Test func interruptedSessionReplaysToTheSameNumbersAndFigures() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let first = directory.appendingPathComponent("first")
      let harness = Harness(sessions: first, seed: 5)
      harness.bind("fm", Harness.fashionMNIST)
      let run = harness.repl(Self.session)
      #expect(run.err.contains("interrupted at epoch 3, step 1"), "\(run.err)")
      #expect(run.err.contains("interrupted at iteration 4; the set keeps 3 iterations"))
      let folder = try Self.onlyFolder(in: first)
      let script = try String(
        contentsOf: folder.appendingPathComponent("session.ddc"), encoding: .utf8)
      #expect(script.contains("h = train net sub epochs=3 batch=10 steps=4\n"), "\(script)")
      #expect(script.contains("seed 5 streams=4\n"), "\(script)")
      let distill = "s = distill dm sub ipc=1 iterations=6 width=4 depth=1 batch_real=4 stop=3\n"
      #expect(script.contains(distill))

      let second = directory.appendingPathComponent("second")
      let replayer = Harness(sessions: second, seed: 0)
      replayer.bind("fm", Harness.fashionMNIST)
      let replay = replayer.script(script)
      #expect(replay.outcome == .success, "\(replay.err)")
      let printed = Self.numbers(run.out)
      #expect(printed.count == 3 && Self.numbers(replay.out) == printed, "\(replay.out)")
      // Figure names count per process; the figures come in the same order.
      let figures = try Self.figures(in: folder)
      let again = try Self.figures(in: try Self.onlyFolder(in: second))
      #expect(figures.count == 2 && again.count == 2)
      for (original, replayed) in zip(figures, again) {
        #expect(try Data(contentsOf: replayed) == Data(contentsOf: original), "\(original)")
      }
    }

    /// A `for` loop stopped part-way is recorded as its completed passes (items as literals)
    /// and the failing pass unrolled, ending in the rewritten command; the replay reaches the
    /// same weights, history and loop variable.
    @Test func interruptedLoopReplaysItsCompletedPassesAndTheStoppedOne() throws {
      let (run, script) = try Self.recorded(
        """
        sub = fm.train.sample per_class=2
        net = convnet sub width=4 depth=1
        for lr in [0.01, 0.02, 0.03] {
          print lr
          h = train net sub epochs=2 batch=10 lr=lr
        }   # ctrl-c after 6 steps
        print (eval net sub).nll h.loss lr

        """)
      #expect(run.err.contains("interrupted at epoch 2, step 1"), "\(run.err)")
      let expected = """
        for lr in [0.01] {
          print lr
          h = train net sub epochs=2 batch=10 lr=lr
        }
        lr = 0.02
        print lr
        h = train net sub epochs=2 batch=10 lr=lr steps=2
        """
      #expect(script.contains(expected), "\(script)")
      let replay = Self.replayed(script)
      #expect(replay.outcome == .success, "\(replay.err)")
      #expect(Self.numbers(replay.out) == Self.numbers(run.out), "\(replay.out)")
    }

    /// Nested loops unroll level by level; objects in a list display replay as their element's
    /// text; a loop over other objects falls back to the `seed … streams=` line.
    @Test func nestedLoopsUnrollAndObjectLoopsFallBack() throws {
      let (run, script) = try Self.recorded(
        """
        sub = fm.train.sample per_class=2
        net = convnet sub width=4 depth=1
        for e in [1, 2] {
          for b in [10, 20] {
            train net sub epochs=e batch=b
          }
        }   # ctrl-c after 5 steps (3 in the first pass, 2 of e = 2, b = 10)
        for d in [sub] {
          train net d epochs=3 batch=10
        }   # ctrl-c after 1 steps
        for d in (sub.split fraction=0.5) {
          train net d epochs=3 batch=10
        }   # ctrl-c after 1 steps
        print (eval net sub).nll

        """)
      #expect(run.err.components(separatedBy: "interrupted at").count == 4, "\(run.err)")
      let expected = """
        for e in [1] {
          for b in [10, 20] {
            train net sub epochs=e batch=b
          }
        }
        e = 2
        b = 10
        train net sub epochs=e batch=b steps=2
        d = sub
        train net d epochs=3 batch=10 steps=1
        seed 3 streams=8
        print (eval net sub).nll
        """
      #expect(script.contains(expected), "\(script)")
    }

    /// A train whose loss turns non-finite keeps the weights of its last finite step, binds
    /// the history of the steps taken, and is recorded with steps= so the replay matches.
    @Test func trainStoppedByANonFiniteLossIsRecordedWithItsSteps() throws {
      let (run, script) = try Self.recorded(
        """
        sub = fm.train.sample per_class=2 seed=1
        net = convnet sub width=4 depth=1
        h = train net sub epochs=3 batch=10 lr=1e5
        print h.epochs h.loss

        """)
      // 2 steps per epoch; the error names the 1-based epoch and step that failed.
      #expect(run.err.contains("NaN or infinite at epoch 3, step 2"), "\(run.err)")
      #expect(run.out.hasPrefix("3 "), "the partial third epoch: \(run.out)")
      #expect(script.contains("h = train net sub epochs=3 batch=10 lr=1e5 steps=5\n"), "\(script)")
      let replay = Self.replayed(script)
      #expect(replay.outcome == .success, "\(replay.err)")
      #expect(replay.out == run.out)
    }

    /// `text` typed into a REPL recording a session (seed 3, Fashion-MNIST bound to fm): what
    /// it printed and the session.ddc it left.
    static func recorded(_ text: String) throws -> (run: (out: String, err: String), script: String)
    {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let folder = directory.appendingPathComponent("first")
      let harness = Harness(sessions: folder, seed: 3)
      harness.bind("fm", Harness.fashionMNIST)
      let run = harness.repl(text)
      let script = try String(
        contentsOf: Self.onlyFolder(in: folder).appendingPathComponent("session.ddc"),
        encoding: .utf8)
      return (run, script)
    }

    /// A session.ddc run in a fresh shell with fm bound.
    static func replayed(_ script: String) -> (outcome: Runner.Outcome, out: String, err: String) {
      let replayer = Harness(seed: 0)
      replayer.bind("fm", Harness.fashionMNIST)
      return replayer.script(script)
    }

    /// The lines a statement printed, without "wrote …" and "distilled …" notes.
    static func numbers(_ out: String) -> [Substring] {
      out.split(separator: "\n").filter { !$0.hasPrefix("distilled") && !$0.hasPrefix("wrote") }
    }

    /// The PNGs of a session folder, reliability diagram first.
    static func figures(in folder: URL) throws -> [URL] {
      try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { $0.hasSuffix(".png") }.sorted()
        .map { folder.appendingPathComponent($0) }
    }

    /// An interrupted train still binds the history of the steps it took.
    @Test func interruptedTrainBindsItsPartialHistory() throws {
      let harness = Harness.withFashionMNIST()
      harness.script("sub = fm.train.sample per_class=2 seed=1\nnet = convnet sub width=4 depth=1")
      harness.pressCtrlC(afterProgressUpdates: 3)
      let stopped = harness.script("h = train net sub epochs=4 batch=4")
      #expect(stopped.outcome == .failure(.interrupt))
      let h = harness.script("print h.epochs")
      #expect(h.out == "1\n")
      let steps = harness.script("h = train net sub epochs=4 batch=4 steps=7; print h.epochs")
      #expect(steps.outcome == .success)
      #expect(steps.out == "2\n")
      let bad = harness.script("train net sub steps=-1")
      #expect(bad.err.contains("invalid 'steps' for 'train': must be at least 0, not -1"))
    }

    /// Ctrl-C during a periodic evaluation names where it stopped once (it used to read
    /// "interrupted at interrupted at …") and still binds the set.
    @Test func interruptedPeriodicEvaluationIsReportedOnce() throws {
      let harness = Harness.withFashionMNIST()
      let result = harness.repl(
        """
        sub = fm.train.sample per_class=2 seed=1
        s = distill dm sub ipc=1 iterations=3 width=4 depth=1 batch_real=4 eval_every=1 test=sub eval_epochs=1 seed=1   # ctrl-c after 1 steps
        print s.iteration
        """)
      #expect(
        result.err
          == "interrupted at epoch 1, step 1 of a periodic evaluation; the set keeps 1 iterations\n"
      )
      #expect(result.out == "1\n")
    }

    /// `resume` refuses other real data than the checkpoint's, notes a checkpoint without a
    /// fingerprint (older files), and says when iterations= leaves nothing to run.
    @Test func resumeChecksTheDataFingerprint() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let path = directory.appendingPathComponent("c.npz").path
      let harness = Harness.withFashionMNIST()
      let made = harness.script(
        """
        sub = fm.train.sample per_class=2 seed=1
        other = fm.train.sample per_class=2 seed=2
        s = distill dm sub ipc=1 iterations=2 width=4 depth=1 batch_real=4 checkpoint="\(path)"
        """)
      #expect(made.outcome == .success, "\(made.err)")
      let wrong = harness.script("resume \"\(path)\" other iterations=3")
      #expect(wrong.outcome == .failure(.runtime))
      #expect(wrong.err.contains("differs from the data the checkpoint was distilled from"))
      let same = harness.script("t = resume \"\(path)\" sub iterations=3; print t.iteration")
      #expect(same.outcome == .success, "\(same.err)")
      #expect(same.out.hasSuffix("3\n") && !same.out.contains("note:"), "\(same.out)")
      let below = harness.script("t = resume \"\(path)\" sub iterations=2; print t.iteration")
      #expect(below.out.contains("note: iterations=2 is not above the checkpoint's 3 iterations"))
      #expect(below.out.hasSuffix("3\n"))

      let archive = try NPZ.read(path)
      let old = archive.members.filter { $0.name != "ddcal.checkpoint.data" }
      try NPZ.write(old.map { ($0.name, $0.array) }, to: path)
      let legacy = harness.script("t = resume \"\(path)\" other iterations=4; print t.iteration")
      #expect(legacy.outcome == .success, "\(legacy.err)")
      #expect(legacy.out.contains("note: the checkpoint has no data fingerprint"))
    }

    static func onlyFolder(in parent: URL) throws -> URL {
      let folders = try FileManager.default.contentsOfDirectory(atPath: parent.path)
      #expect(folders.count == 1)
      return parent.appendingPathComponent(try #require(folders.first))
    }
  }
}

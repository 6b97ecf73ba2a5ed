import Shell
import Testing

extension ShellTestSuite {
  @Suite struct ProgressTests {
    final class Clock {
      var now = 100.0
    }

    static func capture() -> (Output, () -> (String, String)) {
      final class Box {
        var out = ""
        var err = ""
      }
      let box = Box()
      let output = Output(standardOutput: { box.out += $0 }, standardError: { box.err += $0 })
      return (output, { (box.out, box.err) })
    }

    @Test func plainLinesAtIntervalsAndAtTheEnd() {
      let clock = Clock()
      let (output, read) = Self.capture()
      let progress = Progress(
        label: "train", total: 200, unit: "step", style: .lines(interval: 10), output: output,
        clock: { clock.now })
      clock.now += 5
      progress.update(20, status: "loss 2.31")
      clock.now += 6
      progress.update(50, status: "loss 1.20")
      clock.now += 1
      progress.update(60)
      clock.now += 12
      progress.finish()
      let expected = """
        train 50/200 step 25% · 0:11 elapsed · ETA 0:33 · loss 1.20
        train 60/200 step 30% · 0:24 elapsed · ETA 0:56 · loss 1.20

        """
      #expect(read().1 == expected)
      #expect(read().0 == "")
    }

    @Test func terminalLineIsRedrawnAndErasedBeforeOutput() {
      let clock = Clock()
      let (output, read) = Self.capture()
      let progress = Progress(
        label: "distill", total: 10, unit: "it", style: .terminal(interval: 0.1), output: output,
        clock: { clock.now })
      clock.now += 1
      progress.advance(by: 5)
      output.line("done")
      let line = "\rdistill [==========>         ] 5/10 it 50% · 0:01 elapsed · ETA 0:01"
      #expect(read().1 == line + "\u{1B}[K" + "\r\u{1B}[K")
      #expect(read().0 == "done\n")
    }

    @Test func unknownTotalAndSilence() {
      let (output, read) = Self.capture()
      let open = Progress(
        label: "tsne", total: nil, style: .lines(interval: 0), output: output, clock: { 0 })
      open.update(7)
      #expect(read().1 == "tsne 7 step · 0:00 elapsed\n")
      let silent = Progress(label: "x", total: 3, style: .silent, output: output)
      silent.update(3)
      silent.finish()
      #expect(read().1 == "tsne 7 step · 0:00 elapsed\n")
    }

    @Test(arguments: [(0.0, "0:00"), (59.4, "0:59"), (61, "1:01"), (3_725, "1:02:05")])
    func clockFormat(_ seconds: Double, _ text: String) {
      #expect(Progress.clock(seconds) == text)
    }

    @Test func interruptFlagThrowsOnceWithItsLocation() throws {
      Interrupt.clear()
      try Interrupt.check(at: "never")
      Interrupt.request()
      #expect(Interrupt.isRequested)
      #expect(throws: ShellError.interrupted(at: "epoch 3, step 41")) {
        try Interrupt.check(at: "epoch 3, step 41")
      }
      #expect(!Interrupt.isRequested)
    }
  }
}

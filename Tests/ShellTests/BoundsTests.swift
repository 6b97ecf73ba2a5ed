import Shell
import Testing

extension ShellTestSuite {
  /// Declared parameter bounds: membership, messages, and that binding checks them for every
  /// command in one place, naming the parameter typed.
  @Suite struct BoundsTests {
    @Test func membershipAndNaN() {
      #expect(Bounds.positive.contains(1e-300) && !Bounds.positive.contains(0))
      #expect(Bounds.fraction.contains(0) && !Bounds.fraction.contains(1))
      #expect(Bounds.unitInterval.contains(1))
      #expect(Bounds.closed(1, 8).contains(8) && !Bounds.closed(1, 8).contains(9))
      for bounds in [Bounds.any, .positive, .fraction, .closed(1, 8)] {
        #expect(!bounds.contains(.nan))
      }
      #expect(Bounds.any.contains(.infinity))
    }

    @Test func requirementsReadNaturally() {
      #expect(Bounds.positive.requirement(integral: false) == "must be > 0")
      #expect(Bounds.fraction.requirement(integral: false) == "must be in [0, 1)")
      #expect(Bounds.closed(1, 8).requirement(integral: true) == "must be 1…8")
      #expect(Bounds.atLeast(1).requirement(integral: true) == "must be at least 1")
      #expect(Bounds.batch.requirement(integral: true) == "must be 1…1,048,576")
      #expect(Bounds.fraction.summary(integral: false) == "[0, 1)")
      #expect(Bounds.nonNegative.summary(integral: false) == "≥ 0")
    }

    @Test(arguments: [
      ("train net d epochs=0", 20, "invalid 'epochs' for 'train': must be 1…1,000,000, not 0"),
      ("train net d wd=-1", 16, "invalid 'wd' for 'train': must be in [0, 1], not -1.0"),
      (
        "train net d smoothing=1", 23, "invalid 'smoothing' for 'train': must be in [0, 1), not 1.0"
      ),
      (
        "train net d gamma=(1e300*1e300)", 19,
        "invalid 'gamma' for 'train': must be finite, not inf"
      ),
      ("convnet d depth=9", 17, "invalid 'depth' for 'convnet': must be 1…8, not 9"),
      (
        "calibrate net d method=mts v=0", 30,
        "invalid 'v' for 'calibrate': must be in (0, 1], not 0.0"
      ),
      (
        "svd_sweep [d] d drops=[0, 2]", 23,
        "invalid 'drops' for 'svd_sweep': must be in [0, 1], not 2.0"
      ),
      ("d.sample per_class=0", 20, "invalid 'per_class' for 'sample': must be 1…100,000, not 0"),
      ("quit 256", 6, "invalid 'status' for 'quit': must be 0…255, not 256"),
    ])
    func bindingNamesTheParameter(_ input: String, _ column: Int, _ message: String) {
      let harness = Harness()
      let setup = harness.script(
        "d = dataset (randn [4, 1, 8, 8] seed=1) [0, 1, 0, 1]; net = convnet d depth=1 width=2")
      #expect(setup.outcome == .success, "\(setup.err)")
      let result = harness.script(input, name: "<b>")
      #expect(result.outcome == .failure(.runtime))
      #expect(result.err.hasPrefix("<b>:1:\(column): error: \(message)\n"), "\(result.err)")
    }

    @Test func helpShowsTheBounds() {
      let harness = Harness()
      let help = harness.script("help train").out
      #expect(help.contains("momentum=") && help.contains("float [0, 1)"))
      #expect(help.contains("int 1…1,000,000"))
    }

    @Test func memorySizesParseAndPrint() {
      #expect(MemoryBudget.parse("4G") == 4 << 30)
      #expect(MemoryBudget.parse("512m") == 512 << 20)
      #expect(MemoryBudget.parse("1.5GiB") == nil)
      #expect(MemoryBudget.parse("1.5GB") == 3 << 29)
      #expect(MemoryBudget.parse("1000") == 1000)
      for bad in ["", "G", "-1G", "0", "nan", "1e30G", "12Q"] {
        #expect(MemoryBudget.parse(bad) == nil)
      }
      #expect(MemoryBudget.format(3 << 29) == "1.5 GiB")
      #expect(MemoryBudget.format(512) == "512 bytes")
      #expect(MemoryBudget.product(1 << 40, 1 << 30) == nil)
      #expect(MemoryBudget.product(3, -1) == nil)
      #expect(MemoryBudget.sum(Int.max, 1) == nil && MemoryBudget.sum(1, nil) == nil)
      #expect(MemoryBudget.defaultBytes >= 256 << 20)
    }
  }
}

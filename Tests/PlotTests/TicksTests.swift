import Testing

@testable import Plot

@Suite struct TicksTests {
  @Test(arguments: [
    (1.0, 5, 0.2), (1.0, 10, 0.1), (7.0, 5, 2.0), (100.0, 5, 20.0), (0.7, 5, 0.2),
    (3.0, 3, 1.0), (0.003, 5, 0.001), (2500.0, 4, 1000.0), (9.0, 2, 5.0), (1e-9, 1, 1e-9),
  ])
  func stepsAreOneTwoOrFiveTimesAPowerOfTen(span: Double, target: Int, step: Double) {
    let found = Ticks.niceStep(span: span, target: target)
    #expect(abs(found - step) <= step * 1e-9, "span \(span) target \(target): \(found)")
    #expect(span / found <= Double(target) * (1 + 1e-9))
  }

  @Test func stepIsOneForDegenerateSpans() {
    #expect(Ticks.niceStep(span: 0, target: 5) == 1)
    #expect(Ticks.niceStep(span: .nan, target: 5) == 1)
    #expect(Ticks.niceStep(span: -3, target: 5) == 1)
  }

  @Test func linearTicksAreMultiplesOfTheStepInsideTheRange() {
    #expect(Ticks.linear(0, 1, target: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(Ticks.linear(-0.5, 20.5, target: 5) == [0, 5, 10, 15, 20])
    #expect(Ticks.linear(-7, 7, target: 4) == [-5, 0, 5])
    #expect(Ticks.linear(3, 3, target: 5) == [3])
    #expect(Ticks.linear(.nan, 1, target: 5) == [])
  }

  @Test func linearLabelsUseTheFewestDecimals() {
    #expect(
      Ticks.labels(linear: Ticks.linear(0, 1, target: 5)) == [
        "0.0", "0.2", "0.4", "0.6", "0.8", "1.0",
      ])
    #expect(Ticks.labels(linear: [0, 5, 10]) == ["0", "5", "10"])
    #expect(Ticks.labels(linear: [-0.25, 0, 0.25]) == ["\u{2212}0.25", "0.00", "0.25"])
    #expect(Ticks.labels(linear: [0, 2e6, 4e6]) == ["0", "2×10⁶", "4×10⁶"])
    #expect(Ticks.labels(linear: [1e-5, 2e-5]) == ["10⁻⁵", "2×10⁻⁵"])
  }

  @Test func fixedNeverPrintsNegativeZero() {
    #expect(Ticks.fixed(-0.0001, decimals: 2) == "0.00")
    #expect(Ticks.fixed(-1.5, decimals: 1) == "\u{2212}1.5")
  }

  @Test func logTicksArePowersOfTen() {
    #expect(Ticks.logarithmic(1, 1000, target: 5) == [1, 10, 100, 1000])
    #expect(Ticks.logarithmic(0.5, 2000, target: 5) == [1, 10, 100, 1000])
    let many = Ticks.logarithmic(1e-10, 1e10, target: 5)
    #expect(many.count <= 6 && many.count >= 3)
    #expect(many.first == 1e-10)
  }

  @Test func narrowLogRangesAddTwoAndFive() {
    #expect(Ticks.logarithmic(1.5, 60, target: 5) == [2, 5, 10, 20, 50])
    let narrow = Ticks.logarithmic(3, 4, target: 5)
    #expect(narrow.count >= 2 && narrow.allSatisfy { $0 >= 3 && $0 <= 4 })
    #expect(Ticks.logarithmic(0, 10, target: 5) == [])
  }

  @Test func logLabelsArePlainInTheMiddleAndPowersOutside() {
    #expect(
      Ticks.labels(logarithmic: [0.001, 0.1, 1, 10, 1e4]) == ["0.001", "0.1", "1", "10", "10000"])
    #expect(Ticks.labels(logarithmic: [1e-6, 1e6]) == ["10⁻⁶", "10⁶"])
    #expect(Ticks.labels(logarithmic: [2, 5, 20]) == ["2", "5", "20"])
  }

  @Test func visibleTicksDropThoseOutsideTheRange() {
    var axis = Axis(limits: 0...1)
    axis.ticks = [-1, 0, 0.5, 1, 2]
    let frame = AxisFrame(axis: axis, limits: 0...1, target: 5)
    #expect(frame.visibleTicks.map(\.value) == [0, 0.5, 1])
    #expect(frame.visibleTicks.map(\.label) == ["0.0", "0.5", "1.0"])
  }

  @Test func collidingLabelsAreDetected() {
    let frame = AxisFrame(axis: Axis(), limits: 0...10, target: 10)
    #expect(frame.visibleTicks.count == 11)
    #expect(frame.labelsCollide(length: 100, extents: Array(repeating: 12, count: 11), gap: 4))
    #expect(!frame.labelsCollide(length: 400, extents: Array(repeating: 12, count: 11), gap: 4))
  }
}

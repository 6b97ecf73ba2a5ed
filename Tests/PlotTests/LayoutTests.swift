import Foundation
import Testing

@testable import Plot

/// Every character is 0.6 em wide.
struct FixedWidthMeasurer: TextMeasurer {
  func width(of text: String, size: Double, bold: Bool) -> Double {
    Double(text.count) * size * 0.6
  }
}

@Suite struct LayoutTests {
  static let plot = Rect(x: 0, y: 0, width: 200, height: 100)

  @Test func paddingIsFivePercentAndStopsAtStickyEdges() {
    var extent = Extent()
    extent.include(0, scale: .linear)
    extent.include(10, scale: .linear)
    #expect(extent.limits(scale: .linear) == -0.5...10.5)
    extent.includeSticky(0, scale: .linear)
    #expect(extent.limits(scale: .linear) == 0...10.5)
  }

  @Test func logPaddingIsInLogSpaceAndSkipsNonPositiveValues() {
    var extent = Extent()
    for v in [-1.0, 0, 1, 1000] { extent.include(v, scale: .log) }
    let limits = extent.limits(scale: .log)
    #expect(abs(limits.lowerBound - pow10(-0.15)) < 1e-12)
    #expect(abs(limits.upperBound - pow10(3.15)) < 1e-9)
  }

  @Test func degenerateExtentsWiden() {
    var extent = Extent()
    #expect(extent.limits(scale: .linear) == 0...1)
    extent.include(4, scale: .linear)
    #expect(extent.limits(scale: .linear) == 3.5...4.5)
  }

  @Test(arguments: LegendPlacer.candidates)
  func legendAvoidsInkEverywhereButOneCorner(free: LegendPlacement) {
    // Ink fills every candidate box except the free one.
    var ink = LegendPlacer.Ink()
    for candidate in LegendPlacer.candidates where candidate != free {
      let o = LegendPlacer.origin(candidate, width: 40, height: 20, in: Self.plot)
      ink.rects.append(Rect(x: o.x, y: o.y, width: 40, height: 20))
    }
    #expect(LegendPlacer.best(width: 40, height: 20, in: Self.plot, ink: ink) == free)
  }

  @Test func legendPrefersUpperRightWhenEverythingIsEmpty() {
    #expect(LegendPlacer.best(width: 40, height: 20, in: Self.plot, ink: .init()) == .upperRight)
  }

  @Test func risingLineLeavesUpperLeftOrLowerRightFree() {
    var axes = Axes(marks: [.line(LineSeries(x: [0, 1, 2, 3], y: [0, 1, 2, 3], label: "rising"))])
    axes.x.limits = 0...3
    axes.y.limits = 0...3
    let layout = Layout.make(Figure(axes), measurer: FixedWidthMeasurer())
    let legend = layout.panels[0].legend
    #expect(legend != nil)
    let box = legend?.box ?? Rect(x: 0, y: 0, width: 0, height: 0)
    let plot = layout.panels[0].plot
    // The line runs from bottom-left to top-right, so the box must sit in another corner.
    let upperLeft = box.midX < plot.midX && box.midY < plot.midY
    let lowerRight = box.midX > plot.midX && box.midY > plot.midY
    #expect(upperLeft || lowerRight)
  }

  @Test func sharedAxesShowLabelsOnlyOnOuterPanels() {
    let panel = Axes(x: Axis("x"), y: Axis("y"), marks: [.line(LineSeries(x: [0, 1], y: [0, 1]))])
    var figure = Figure(rows: 2, columns: 2, panels: [panel, panel, panel, panel])
    figure.shareX = true
    figure.shareY = true
    let layout = Layout.make(figure, measurer: FixedWidthMeasurer())
    #expect(layout.panels.map(\.x.showTickLabels) == [false, false, true, true])
    #expect(layout.panels.map(\.y.showTickLabels) == [true, false, true, false])
    #expect(layout.panels.map(\.x.showTitle) == [false, false, true, true])
  }

  @Test func sharedLimitsSpanEveryPanelInTheGroup() {
    let a = Axes(marks: [.line(LineSeries(x: [0, 1], y: [0, 1]))])
    let b = Axes(marks: [.line(LineSeries(x: [5, 9], y: [-4, 2]))])
    var figure = Figure(rows: 1, columns: 2, panels: [a, b])
    figure.shareY = true
    let limits = Layout.sharedLimits(figure, figure.panels)
    #expect(limits[0].y == limits[1].y)
    #expect(limits[0].x != limits[1].x)
    #expect(limits[0].y.lowerBound < -4 && limits[0].y.upperBound > 1)
  }

  @Test func plotAreasAlignAndStayInsideThePage() {
    let narrow = Axes(y: Axis("y"), marks: [.line(LineSeries(x: [0, 1], y: [0, 1]))])
    let wide = Axes(y: Axis("y"), marks: [.line(LineSeries(x: [0, 1], y: [0, 123456]))])
    let figure = Figure(width: 400, height: 300, rows: 2, columns: 1, panels: [narrow, wide])
    let layout = Layout.make(figure, measurer: FixedWidthMeasurer())
    let (top, bottom) = (layout.panels[0].plot, layout.panels[1].plot)
    #expect(top.minX == bottom.minX && top.width == bottom.width)
    #expect(top.maxY < bottom.minY)
    for plot in [top, bottom] {
      #expect(plot.minX > 40 && plot.maxX <= 400 && plot.minY > 0 && plot.maxY < 300)
    }
  }

  @Test func xTickLabelsNeverCollide() {
    let panel = Axes(marks: [.line(LineSeries(x: [0, 123456.7], y: [0, 1]))])
    let figure = Figure(width: 160, height: 120, panel)
    let measurer = FixedWidthMeasurer()
    let layout = Layout.make(figure, measurer: measurer)
    let x = layout.panels[0].x
    let widths = x.visibleTicks.map {
      measurer.width(of: $0.label, size: Style.tickFont, bold: false)
    }
    #expect(x.visibleTicks.count >= 2)
    #expect(!x.labelsCollide(length: layout.panels[0].plot.width, extents: widths, gap: 8))
  }

  @Test func aspectKeepsDataSquaresSquare() {
    var axes = Axes(x: Axis(limits: 0...2), y: Axis(limits: 0...1))
    axes.aspect = 1
    let layout = Layout.make(Figure(width: 300, height: 300, axes), measurer: FixedWidthMeasurer())
    let plot = layout.panels[0].plot
    #expect(abs(plot.width / plot.height - 2) < 1e-9)
  }

  @Test func tallRightLegendsFlowIntoColumnsInsideThePage() {
    let entries = (0..<20).map {
      LegendEntry("class \($0)", swatch: .marker(color: .black, marker: .circle))
    }
    var figure = Figure(width: 400, height: 150, Axes())
    figure.legend = FigureLegend(entries, position: .right)
    let layout = Layout.make(figure, measurer: FixedWidthMeasurer())
    let items = layout.legend?.items ?? []
    #expect(items.count == 20)
    #expect(Set(items.map(\.x)).count >= 2)
    #expect(items.allSatisfy { $0.y > 0 && $0.y < 150 })
    let box = layout.legend?.box ?? Rect(x: 0, y: 0, width: 0, height: 0)
    #expect(box.maxX <= 400 && box.maxY <= 150)
    #expect(layout.panels[0].plot.maxX < box.minX)
  }

  @Test func figureLegendRowsAreBalanced() {
    let entries = (0..<5).map {
      LegendEntry("entry \($0)", swatch: .marker(color: .black, marker: .circle))
    }
    let rows = LegendLayout.rows(entries, maxWidth: 300, measurer: FixedWidthMeasurer())
    // Greedy packing would give [4, 1].
    #expect(rows.map(\.count) == [3, 2])
  }

  private func pow10(_ x: Double) -> Double { Foundation.pow(10, x) }
}

/// Chooses where a legend covers the least data ("best" placement).
///
/// The data is reduced to "ink": points sampled every 3 points along lines and band edges,
/// scatter and marker centres, and the rectangles of bars, histogram columns, images and text
/// boxes. A candidate box scores one per point inside it plus its overlap area with each
/// rectangle divided by 9 pt² (a 3 × 3 point patch counts as much as one sample).
enum LegendPlacer {
  /// The placements tried by `best`, in order of preference when scores tie.
  static let candidates: [LegendPlacement] = [
    .upperRight, .upperLeft, .lowerLeft, .lowerRight, .upperCenter, .lowerCenter,
  ]

  /// Data ink in page coordinates.
  struct Ink {
    var points: [(x: Double, y: Double)] = []
    var rects: [Rect] = []
  }

  /// The top-left corner of a `width × height` box at `placement`, inset from `plot`'s edges.
  static func origin(
    _ placement: LegendPlacement, width: Double, height: Double, in plot: Rect
  ) -> (x: Double, y: Double) {
    let inset = Style.legendInset
    let left = plot.minX + inset
    let right = plot.maxX - inset - width
    let center = plot.midX - width / 2
    let top = plot.minY + inset
    let bottom = plot.maxY - inset - height
    switch placement {
    case .upperRight, .best, .none: return (right, top)
    case .upperLeft: return (left, top)
    case .lowerLeft: return (left, bottom)
    case .lowerRight: return (right, bottom)
    case .upperCenter: return (center, top)
    case .lowerCenter: return (center, bottom)
    case .outsideRight: return (plot.maxX + inset, plot.minY)
    }
  }

  /// The candidate whose box covers the least ink (the first such in `candidates`).
  static func best(width: Double, height: Double, in plot: Rect, ink: Ink) -> LegendPlacement {
    var choice = LegendPlacement.upperRight
    var lowest = Double.infinity
    for candidate in candidates {
      let o = origin(candidate, width: width, height: height, in: plot)
      let box = Rect(x: o.x - 2, y: o.y - 2, width: width + 4, height: height + 4)
      var score = Double(ink.points.filter { box.contains($0.x, $0.y) }.count)
      score += ink.rects.reduce(0) { $0 + box.overlap($1) } / 9
      if score < lowest - 1e-9 {
        lowest = score
        choice = candidate
      }
    }
    return choice
  }

  /// The ink of a laid-out panel's marks.
  static func ink(of panel: PanelLayout, measurer: some TextMeasurer) -> Ink {
    var ink = Ink()
    for mark in panel.axes.marks {
      switch mark {
      case .line(let s):
        let pairs = zip(s.x, s.y).map { panel.point($0, $1) }
        sample(pairs, into: &ink)
        if let band = s.band {
          sample(zip(s.x, zip(s.y, band)).map { panel.point($0, $1.0 + $1.1) }, into: &ink)
          sample(zip(s.x, zip(s.y, band)).map { panel.point($0, $1.0 - $1.1) }, into: &ink)
        }
      case .bars(let s):
        for i in s.left.indices {
          ink.rects.append(rect(panel, s.left[i], s.right[i], s.bottom[i], s.top[i]))
        }
      case .histogram(let s):
        for i in s.values.indices {
          ink.rects.append(rect(panel, s.edges[i], s.edges[i + 1], 0, s.values[i]))
        }
      case .scatter(let s):
        ink.points += zip(s.x, s.y).map { panel.point($0, $1) }.filter {
          $0.x.isFinite && $0.y.isFinite
        }
      case .image(let m):
        ink.rects.append(rect(panel, m.x0, m.x1, m.y0, m.y1))
      case .rule(let r):
        let plot = panel.plot
        switch r.direction {
        case .horizontal:
          let y = panel.point(0, r.value).y
          sample([(plot.minX, y), (plot.maxX, y)], into: &ink)
        case .vertical:
          let x = panel.point(r.value, 1).x
          sample([(x, plot.minY), (x, plot.maxY)], into: &ink)
        }
      case .text(let t):
        ink.rects.append(TextBox.rect(t, in: panel, measurer: measurer))
      }
    }
    return ink
  }

  /// Points every 3 pt along the polyline through `pairs` (breaking at non-finite points).
  static func sample(_ pairs: [(x: Double, y: Double)], into ink: inout Ink) {
    for (a, b) in zip(pairs, pairs.dropFirst()) {
      guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
      let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
      let steps = min(max(Int(length / 3), 1), 2000)
      for k in 0..<steps {
        let t = Double(k) / Double(steps)
        ink.points.append((a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
      }
    }
    if let last = pairs.last, last.x.isFinite, last.y.isFinite { ink.points.append(last) }
  }

  /// The page rectangle of the data rectangle [x0, x1] × [y0, y1], clipped to the plot.
  static func rect(
    _ panel: PanelLayout, _ x0: Double, _ x1: Double, _ y0: Double, _ y1: Double
  )
    -> Rect
  {
    let a = panel.point(x0, y0)
    let b = panel.point(x1, y1)
    guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else {
      return Rect(x: 0, y: 0, width: 0, height: 0)
    }
    let plot = panel.plot
    let minX = max(min(a.x, b.x), plot.minX)
    let maxX = min(max(a.x, b.x), plot.maxX)
    let minY = max(min(a.y, b.y), plot.minY)
    let maxY = min(max(a.y, b.y), plot.maxY)
    return Rect(x: minX, y: minY, width: max(maxX - minX, 0), height: max(maxY - minY, 0))
  }
}

/// Where a text annotation's box lies on the page.
enum TextBox {
  /// The anchor point of `text` in page coordinates.
  static func anchor(_ text: TextAnnotation, in panel: PanelLayout) -> (x: Double, y: Double) {
    switch text.position {
    case .data(let x, let y):
      return panel.point(x, y)
    case .fraction(let fx, let fy):
      return (panel.plot.minX + fx * panel.plot.width, panel.plot.maxY - fy * panel.plot.height)
    }
  }

  /// Padding around boxed text.
  static let padding = 4.0

  /// The rectangle the text (with its box padding, if boxed) covers.
  static func rect(
    _ text: TextAnnotation, in panel: PanelLayout, measurer: some TextMeasurer
  ) -> Rect {
    let width = measurer.width(of: text.text, size: text.fontSize, bold: text.bold)
    let height = Style.capHeight(text.fontSize)
    let a = anchor(text, in: panel)
    let pad = text.boxed ? padding : 0
    let fx: Double
    let fy: Double
    switch text.alignment {
    case .topLeft: (fx, fy) = (0, 0)
    case .top: (fx, fy) = (0.5, 0)
    case .topRight: (fx, fy) = (1, 0)
    case .left: (fx, fy) = (0, 0.5)
    case .center: (fx, fy) = (0.5, 0.5)
    case .right: (fx, fy) = (1, 0.5)
    case .bottomLeft: (fx, fy) = (0, 1)
    case .bottom: (fx, fy) = (0.5, 1)
    case .bottomRight: (fx, fy) = (1, 1)
    }
    let w = width + 2 * pad
    let h = height + 2 * pad
    return Rect(x: a.x - fx * w, y: a.y - fy * h, width: w, height: h)
  }
}

import TensorCore

/// Dataset images laid out as classes (rows) × images per class (columns).
public enum ImageGrid {
  /// The indices of the first `perClass` images of each class, in order; rows may be short.
  /// - Throws: `PlotError.invalidArgument` for a label outside 0..<classCount.
  public static func select(
    labels: [Int], classCount: Int, perClass: Int
  ) throws(PlotError) -> [[Int]] {
    var rows = [[Int]](repeating: [], count: max(classCount, 0))
    for (i, label) in labels.enumerated() {
      try PlotError.check(
        label >= 0 && label < classCount, "label[\(i)]", "\(label)", expected: "0..<\(classCount)")
      if rows[label].count < perClass { rows[label].append(i) }
    }
    return rows
  }

  /// The default nearest-neighbour upscale: enough to make an image about 96 pixels across
  /// (28 × 28 → 3×, 32 × 32 → 3×, 64 × 64 → 1×).
  public static func defaultUpscale(height: Int, width: Int) -> Int {
    max(1, 96 / max(height, width, 1))
  }

  /// Image `index` of a batch [N, C, H, W] as an opaque raster, upscaled by `upscale`.
  static func raster(
    _ images: NDArray, index: Int, mapping: PixelMapping, upscale: Int
  ) throws(PlotError) -> RasterImage {
    let (c, h, w) = (images.shape[1], images.shape[2], images.shape[3])
    let plane = c * h * w
    let one = NDArray(
      shape: [c, h, w], data: Array(images.data[(index * plane)..<((index + 1) * plane)]))
    return try RasterImage(one, mapping: mapping).upscaled(by: upscale)
  }

  /// Checks that `images` is [N, C, H, W] with C = 1 or 3 and N = labels.count.
  /// The largest image side drawn: tiles are rasters of H × W pixels, and a grid holds many.
  static let maximumSide = 4096

  static func checkBatch(_ images: NDArray, labels: [Int]) throws(PlotError) {
    guard images.rank == 4, images.shape[1] == 1 || images.shape[1] == 3,
      (1...maximumSide).contains(images.shape[2]), (1...maximumSide).contains(images.shape[3])
    else {
      throw .badShape(
        what: "images", expected: "[N, C, H, W] with C = 1 or 3, H and W 1…\(maximumSide)",
        found: images.shape)
    }
    try PlotError.checkLength("image labels", expected: images.shape[0], found: labels.count)
  }

  /// The grid as one undecorated raster for export: white background, `padding` pixels
  /// between and around the images, no text.
  /// - Parameters:
  ///   - images: [N, C, H, W], C = 1 (grey) or 3 (RGB).
  ///   - labels: N class indices in 0..<classCount.
  ///   - classCount: the number of rows.
  ///   - perClass: the number of columns.
  ///   - mapping: how values become intensities (per-image min–max by default).
  ///   - upscale: nearest-neighbour factor per image (nil: `defaultUpscale`).
  ///   - padding: pixels between images.
  /// - Returns: an image of `classCount · (H·upscale + padding) + padding` rows.
  /// - Throws: `PlotError.badShape` / `lengthMismatch` / `invalidArgument` for bad inputs.
  public static func raster(
    _ images: NDArray, labels: [Int], classCount: Int, perClass: Int,
    mapping: PixelMapping = .minMax, upscale: Int? = nil, padding: Int = 2
  ) throws(PlotError) -> RasterImage {
    try checkBatch(images, labels: labels)
    try PlotError.check(perClass >= 1, "perClass", "\(perClass)", expected: "≥ 1")
    let (h, w) = (images.shape[2], images.shape[3])
    let factor = max(upscale ?? defaultUpscale(height: h, width: w), 1)
    let rows = try select(labels: labels, classCount: classCount, perClass: perClass)
    let pad = max(padding, 0)
    var canvas = RasterImage(
      width: perClass * (w * factor + pad) + pad, height: classCount * (h * factor + pad) + pad)
    for (r, row) in rows.enumerated() {
      for (c, index) in row.enumerated() {
        let tile = try raster(images, index: index, mapping: mapping, upscale: factor)
        canvas.paste(tile, x: pad + c * (w * factor + pad), y: pad + r * (h * factor + pad))
      }
    }
    return canvas
  }
}

extension Figure {
  /// A dataset's images as classes (rows) × images per class (columns), class names at the
  /// left (e.g. a distilled set with 10 images per class).
  ///
  /// Image pixels stay sharp: each cell is `H · upscale` pixels tall at 100 dpi, drawn with
  /// nearest-neighbour sampling.
  /// - Parameters:
  ///   - images: [N, C, H, W], C = 1 (grey) or 3 (RGB).
  ///   - labels: N class indices; the first `perClass` images of each class are shown.
  ///   - classNames: one per row.
  ///   - perClass: columns.
  ///   - mapping: per-image min–max (default), de-normalisation with per-channel mean/std,
  ///     or clamping.
  ///   - upscale: nearest-neighbour factor (nil: `ImageGrid.defaultUpscale`).
  ///   - title: an optional figure title.
  /// - Throws: `PlotError` for a bad shape, label or statistics count.
  public static func imageGrid(
    _ images: NDArray, labels: [Int], classNames: [String], perClass: Int,
    mapping: PixelMapping = .minMax, upscale: Int? = nil, title: String? = nil
  ) throws(PlotError) -> Figure {
    try ImageGrid.checkBatch(images, labels: labels)
    try PlotError.check(perClass >= 1, "perClass", "\(perClass)", expected: "≥ 1")
    let (h, w) = (images.shape[2], images.shape[3])
    let factor = max(upscale ?? ImageGrid.defaultUpscale(height: h, width: w), 1)
    let rows = try ImageGrid.select(
      labels: labels, classCount: classNames.count, perClass: perClass)
    let cellWidth = Double(w) / Double(h)
    let gap = 0.08
    let count = Double(rows.count)
    var axes = Axes(
      x: .hidden, y: Axis(limits: 0...(count * (1 + gap) - gap)))
    axes.x.limits = 0...(Double(perClass) * (cellWidth + gap) - gap)
    axes.y.ticks = rows.indices.map { (count - 1 - Double($0)) * (1 + gap) + 0.5 }
    axes.y.tickLabels = classNames
    axes.y.showTicks = false
    axes.frame = false
    axes.grid = false
    let points = Double(h * factor) * 72 / 100
    axes.aspect = 1
    axes.unitSize = points
    for (r, row) in rows.enumerated() {
      let bottom = (count - 1 - Double(r)) * (1 + gap)
      for (c, index) in row.enumerated() {
        let x0 = Double(c) * (cellWidth + gap)
        let tile = try ImageGrid.raster(images, index: index, mapping: mapping, upscale: 1)
        axes.add(.image(ImageMark(tile, x0: x0, x1: x0 + cellWidth, y0: bottom, y1: bottom + 1)))
      }
    }
    let labelWidth = Double(classNames.map(\.count).max() ?? 0) * 5.8 + 8
    let width =
      labelWidth + (Double(perClass) * (cellWidth + gap) - gap) * points + 2 * Style.margin
    let height = (count * (1 + gap) - gap) * points + 2 * Style.margin + 10
    return Figure(
      width: width, height: height + (title == nil ? 0 : 22), panels: [axes], title: title)
  }
}

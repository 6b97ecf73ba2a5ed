/// How a convolution's output is cut into m×m tiles and its images into blocks.
struct WinogradTiling {
  let geometry: ConvGeometry
  /// Output tile side m (2 or 4, see `WinogradKernel.tileSize`); input tiles are n = m + 2
  /// wide and there are n² transformed positions (GEMMs) per tile.
  let m: Int
  /// Tiles down and across one output plane: ⌈OH/m⌉, ⌈OW/m⌉.
  let tilesHigh, tilesWide: Int
  /// The zero-padded input plane the tiles read is (m·tilesHigh + 2) × (m·tilesWide + 2), the
  /// image at offset (padding, padding). For F(2×2) it is kept as its even and odd columns
  /// (two phases), so the stride-2 tile columns are contiguous; for F(4×4) as one plain plane
  /// whose stride-4 tile columns `gather4` picks out of vector loads. Each phase is
  /// `paddedHeight` rows of `planeWidth`.
  let paddedHeight, planeWidth: Int
  /// Blocks of images: ≈ `targetTiles` tiles each or more, rounded up to an even number
  /// so that two workers get equal shares, with the images spread evenly over them. (A
  /// multiple of 4 would cut DC's 10-image synthetic batches into GEMMs of 40 tiles.)
  let blockCount: Int

  init(_ g: ConvGeometry) {
    geometry = g
    m = WinogradKernel.tileSize(g)
    tilesHigh = (g.outHeight + m - 1) / m
    tilesWide = (g.outWidth + m - 1) / m
    paddedHeight = m * tilesHigh + 2
    let phases = Self.phases(m)
    planeWidth = (m * tilesWide + 2 + phases - 1) / phases
    let tiles = g.batch * tilesHigh * tilesWide
    let target = WinogradKernel.targetTiles(m)
    // Rounded down: a 10-image batch of 16×16 F(4×4) tiles (160) runs as 2 GEMM blocks of 80
    // rather than 4 of 40, whose A-operand packing costs as much as their products.
    let needed = max(1, tiles / target)
    blockCount = max(1, min(g.batch, (needed + 1) / 2 * 2))
  }

  /// Column phases of the padded plane: 2 for F(2×2), 1 for F(4×4).
  var phases: Int { Self.phases(m) }
  private static func phases(_ m: Int) -> Int { m == 2 ? 2 : 1 }
  /// Input tile side n = m + 2.
  var n: Int { m + 2 }
  /// Transformed positions per tile, n²: one GEMM each.
  var points: Int { n * n }
  var tilesPerImage: Int { tilesHigh * tilesWide }
  /// Floats in one phase plane.
  var planeSize: Int { paddedHeight * planeWidth }
  /// Images in the largest block.
  var blockImages: Int { (geometry.batch + blockCount - 1) / blockCount }
  var blockTiles: Int { blockImages * tilesPerImage }
  /// Floats between positions p and p + 1 of a transformed block of k channels and `tiles`
  /// tiles: its [k, tiles] rows and a pad. Without the pad the n² rows a transform writes lie
  /// a multiple of 4 KB apart (k·T = 128·64 floats), all in one set of the L1 cache. The pad
  /// is a multiple of 16 floats, so rows stay 64-byte aligned for the GEMMs.
  func positionStride(_ k: Int, _ tiles: Int) -> Int { k * tiles + Self.positionPad }
  /// 16 floats, the smallest pad that keeps rows 64-byte aligned.
  static let positionPad = 16
  /// Floats of the largest transformed block of k channels.
  func blockFloats(_ k: Int) -> Int { points * positionStride(k, blockTiles) }
  /// Floats between the rows of `WinogradScratch.staging`: one image's tiles and the slack a
  /// vector load past the last tile may read.
  var stagingStride: Int { tilesPerImage + WinogradScratch.slack }

  /// The first image of block `index` and its number of images.
  func block(_ index: Int) -> (start: Int, images: Int) {
    let start = index * geometry.batch / blockCount
    return (start, (index + 1) * geometry.batch / blockCount - start)
  }
}

/// One worker's buffers. Vector loads may read up to `slack` floats past a row's last tile,
/// so every buffer carries that much spare; such lanes are never stored.
struct WinogradScratch {
  static let slack = 8
  /// The transformed tiles of a block (the caller's layout). Not zeroed: vector loads past a
  /// row's last tile may read pad floats never written, but those lanes are dropped, never
  /// stored, and GEMMs read only whole rows (zeroing would cost a 3 MB memset per call and
  /// worker).
  let floats: UnsafeMutablePointer<Float>
  /// One padded input plane as `phases` planes of `planeSize` floats: phase k, row y, index
  /// j holds padded column phases·j + k. Between uses the border is zero: `inputTransform`
  /// overwrites only the interior, and `inputAdjoint` clears the planes before each
  /// accumulation and after the last. Vector loads may read `planeSlack` floats past them.
  static let planeSlack = 16
  let planes: UnsafeMutablePointer<Float>
  /// n² rows of `stagingStride` floats: one plane's tile values, a row per tile element.
  let staging: UnsafeMutablePointer<Float>

  init(floats count: Int, _ t: WinogradTiling) {
    let planeFloats = t.phases * t.planeSize + Self.planeSlack
    floats = .allocate(capacity: count + Self.slack)
    planes = .allocate(capacity: planeFloats)
    staging = .allocate(capacity: t.points * t.stagingStride)
    planes.initialize(repeating: 0, count: planeFloats)
    staging.initialize(repeating: 0, count: t.points * t.stagingStride)
  }

  func deallocate() {
    floats.deallocate()
    planes.deallocate()
    staging.deallocate()
  }

  /// Padded column `column` of padded row `row`: phase column % phases, index
  /// column / phases (phases is 1 or 2).
  @inline(__always)
  func at(row: Int, column: Int, _ t: WinogradTiling) -> UnsafeMutablePointer<Float> {
    let shift = t.phases - 1
    return planes + (column & shift) * t.planeSize + row * t.planeWidth + column >> shift
  }

  /// Writes the image plane `x` ([H, W]) into the interior of the phase planes.
  func split(_ x: UnsafePointer<Float>, _ t: WinogradTiling) {
    forEachRun(t) { i, phase, count in
      if t.phases == 1 {
        WinogradKernel.copyRow(phase, x + i, count)
      } else {
        for k in 0..<count { phase[k] = x[i + 2 * k] }
      }
    }
  }

  /// Copies the interior of the phase planes to the image plane `gx` ([H, W]).
  func merge(_ t: WinogradTiling, into gx: UnsafeMutablePointer<Float>) {
    forEachRun(t) { i, phase, count in
      if t.phases == 1 {
        WinogradKernel.copyRow(gx + i, phase, count)
      } else {
        for k in 0..<count { gx[i + 2 * k] = phase[k] }
      }
    }
  }

  /// Calls `body(i, p, count)` for every image row and phase: the pixels i, i + phases, …
  /// (count of them) of the image plane (W wide) sit at p[0..<count] of that phase plane.
  @inline(__always)
  private func forEachRun(
    _ t: WinogradTiling,
    _ body: (_ index: Int, _ phase: UnsafeMutablePointer<Float>, _ count: Int) -> Void
  ) {
    let g = t.geometry
    let shift = t.phases - 1
    for y in 0..<g.height {
      for x0 in 0..<min(t.phases, g.width) {
        let count = (g.width - x0 + shift) >> shift
        body(y * g.width + x0, at(row: y + g.padding, column: x0 + g.padding, t), count)
      }
    }
  }

  /// Calls `body(row, plane)` for every tile row ty and tile element (r, j): `row` is the
  /// staging row n·r + j from tile ty·tilesWide on, `plane` that element of the row's first
  /// tile (padded row m·ty + r, column j); the next tiles' follow at stride m / phases.
  @inline(__always)
  func forEachTileSegment(
    _ t: WinogradTiling,
    _ body: (_ row: UnsafeMutablePointer<Float>, _ plane: UnsafeMutablePointer<Float>) -> Void
  ) {
    for ty in 0..<t.tilesHigh {
      for r in 0..<t.n {
        for j in 0..<t.n {
          body(
            staging + (t.n * r + j) * t.stagingStride + ty * t.tilesWide,
            at(row: t.m * ty + r, column: j, t))
        }
      }
    }
  }

  /// Zeroes the phase planes.
  func clearPlanes(_ t: WinogradTiling) {
    planes.update(repeating: 0, count: t.phases * t.planeSize)
  }
}

extension WinogradKernel {
  /// The m×m tiles of the output-gradient plane `gy` ([OH, OW]) as m² staging rows, row
  /// a·m + b holding gy[m·ty + a, m·tx + b] of every tile, zero past the edge.
  static func gatherTiles(
    _ gy: UnsafePointer<Float>, _ t: WinogradTiling, _ scratch: WinogradScratch
  ) {
    let (oh, ow, m, zs) = (t.geometry.outHeight, t.geometry.outWidth, t.m, t.stagingStride)
    for ty in 0..<t.tilesHigh {
      for a in 0..<m {
        let y = m * ty + a
        let dst = scratch.staging + a * m * zs + ty * t.tilesWide
        guard y < oh else {
          for b in 0..<m { (dst + b * zs).update(repeating: 0, count: t.tilesWide) }
          continue
        }
        let row = gy + y * ow
        for b in 0..<m {
          let out = dst + b * zs
          var x = b
          for tx in 0..<t.tilesWide {
            out[tx] = x < ow ? row[x] : 0
            x += m
          }
        }
      }
    }
  }

  /// The inverse of `gatherTiles`: writes the staging rows to the output plane `y`
  /// ([OH, OW]), dropping values past the edge.
  static func scatterTiles(
    _ q: UnsafePointer<Float>, _ t: WinogradTiling, into y: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow, m, zs) = (t.geometry.outHeight, t.geometry.outWidth, t.m, t.stagingStride)
    for ty in 0..<t.tilesHigh {
      for a in 0..<min(m, oh - m * ty) {
        let row = y + (m * ty + a) * ow
        let src = q + a * m * zs + ty * t.tilesWide
        for b in 0..<min(m, ow) {
          let values = src + b * zs
          var x = b
          for tx in 0..<t.tilesWide where x < ow {
            row[x] = values[tx]
            x += m
          }
        }
      }
    }
  }
}

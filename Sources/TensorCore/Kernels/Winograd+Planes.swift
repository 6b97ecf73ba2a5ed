/// How a convolution's output is cut into 2×2 tiles and its images into blocks.
struct WinogradTiling {
  let geometry: ConvGeometry
  /// Tiles down and across one output plane: ⌈OH/2⌉, ⌈OW/2⌉.
  let tilesHigh, tilesWide: Int
  /// The zero-padded input plane the tiles read is (2·tilesHigh + 2) × (2·tilesWide + 2), the
  /// image at offset (padding, padding): H + 2·padding rows, one more when OH is odd. It is
  /// kept as its even and its odd columns, `paddedHeight` rows of `halfWidth` each.
  let paddedHeight, halfWidth: Int
  /// Blocks of images: enough for ≈ `targetTiles` tiles each, rounded up to an even number
  /// so that two workers get equal shares, with the images spread evenly over them. (A
  /// multiple of 4 cut DC's 10-image synthetic batches into GEMMs of 40 tiles.)
  let blockCount: Int

  init(_ g: ConvGeometry) {
    geometry = g
    tilesHigh = (g.outHeight + 1) / 2
    tilesWide = (g.outWidth + 1) / 2
    paddedHeight = 2 * tilesHigh + 2
    halfWidth = tilesWide + 1
    let tiles = g.batch * tilesHigh * tilesWide
    let needed = max(1, (tiles + WinogradKernel.targetTiles - 1) / WinogradKernel.targetTiles)
    blockCount = max(1, min(g.batch, (needed + 1) / 2 * 2))
  }

  var tilesPerImage: Int { tilesHigh * tilesWide }
  /// Images in the largest block.
  var blockImages: Int { (geometry.batch + blockCount - 1) / blockCount }
  var blockTiles: Int { blockImages * tilesPerImage }
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
  /// The transformed tiles of a block (the caller's layout).
  let floats: UnsafeMutablePointer<Float>
  /// One padded input plane split by column parity: even[y·halfWidth + k] is column 2k.
  /// Between uses the border is zero: `inputTransform` overwrites only the interior, and
  /// `inputAdjoint` clears the whole plane before each accumulation and after the last.
  let even, odd: UnsafeMutablePointer<Float>
  /// 16 rows of `stagingStride` floats: one plane's tile values, a row per tile element.
  let staging: UnsafeMutablePointer<Float>

  init(floats count: Int, _ t: WinogradTiling) {
    let plane = t.paddedHeight * t.halfWidth + Self.slack
    floats = .allocate(capacity: count + Self.slack)
    even = .allocate(capacity: plane)
    odd = .allocate(capacity: plane)
    staging = .allocate(capacity: 16 * t.stagingStride)
    // `floats` is written before it is read, but for the slack (see `clearSlack`).
    even.initialize(repeating: 0, count: plane)
    odd.initialize(repeating: 0, count: plane)
    staging.initialize(repeating: 0, count: 16 * t.stagingStride)
  }

  /// Zeroes the `slack` floats after the first `used` of `floats`: a vector load past the
  /// last row of a partly filled region reads them.
  func clearSlack(after used: Int) {
    (floats + used).update(repeating: 0, count: Self.slack)
  }

  func deallocate() {
    floats.deallocate()
    even.deallocate()
    odd.deallocate()
    staging.deallocate()
  }

  /// Writes the image plane `x` ([H, W]) into the interior of `even`/`odd`.
  func split(_ x: UnsafePointer<Float>, _ t: WinogradTiling) {
    forEachPixel(t) { i, split in split.pointee = x[i] }
  }

  /// Copies the interior of `even`/`odd` to the image plane `gx` ([H, W]).
  func merge(_ t: WinogradTiling, into gx: UnsafeMutablePointer<Float>) {
    forEachPixel(t) { i, split in gx[i] = split.pointee }
  }

  /// Calls `body(i, p)` for every pixel i = y·W + x of an image plane, p its place in the
  /// split padded plane: padded column x + padding, in `even` or `odd` by its parity.
  @inline(__always)
  private func forEachPixel(
    _ t: WinogradTiling, _ body: (_ index: Int, _ split: UnsafeMutablePointer<Float>) -> Void
  ) {
    let g = t.geometry
    for y in 0..<g.height {
      let row = (y + g.padding) * t.halfWidth
      for x in 0..<g.width {
        let column = x + g.padding
        body(y * g.width + x, (column & 1 == 0 ? even : odd) + row + column >> 1)
      }
    }
  }

  /// Zeroes `even` and `odd`.
  func clearPlanes(_ t: WinogradTiling) {
    even.update(repeating: 0, count: t.paddedHeight * t.halfWidth)
    odd.update(repeating: 0, count: t.paddedHeight * t.halfWidth)
  }
}

extension WinogradKernel {
  /// The 2×2 tiles of the output-gradient plane `gy` ([OH, OW]) as four staging rows
  /// (a0, b0, a1, b1) = (gy[2ty, 2tx], gy[2ty, 2tx+1], gy[2ty+1, 2tx], gy[2ty+1, 2tx+1]),
  /// zero past an odd edge.
  static func gatherQuads(
    _ gy: UnsafePointer<Float>, _ t: WinogradTiling, _ scratch: WinogradScratch
  ) {
    let (oh, ow) = (t.geometry.outHeight, t.geometry.outWidth)
    let zs = t.stagingStride
    let q = scratch.staging
    for ty in 0..<t.tilesHigh {
      let top = gy + 2 * ty * ow
      let bottom = 2 * ty + 1 < oh ? top + ow : nil
      for tx in 0..<t.tilesWide {
        let (i, x) = (ty * t.tilesWide + tx, 2 * tx)
        let right = x + 1 < ow
        q[i] = top[x]
        q[zs + i] = right ? top[x + 1] : 0
        q[2 * zs + i] = bottom?[x] ?? 0
        q[3 * zs + i] = right ? bottom?[x + 1] ?? 0 : 0
      }
    }
  }

  /// The inverse of `gatherQuads`: writes the staging rows (y00, y01, y10, y11) to the
  /// output plane `y` ([OH, OW]), dropping values past an odd edge.
  static func scatterQuads(
    _ q: UnsafePointer<Float>, _ t: WinogradTiling, into y: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (t.geometry.outHeight, t.geometry.outWidth)
    let zs = t.stagingStride
    for ty in 0..<t.tilesHigh {
      let top = y + 2 * ty * ow
      let bottom = 2 * ty + 1 < oh ? top + ow : nil
      for tx in 0..<t.tilesWide {
        let (i, x) = (ty * t.tilesWide + tx, 2 * tx)
        top[x] = q[i]
        bottom?[x] = q[2 * zs + i]
        if x + 1 < ow {
          top[x + 1] = q[zs + i]
          bottom?[x + 1] = q[3 * zs + i]
        }
      }
    }
  }
}

/// The tile transforms' drivers: per image plane, the transformed tiles are stored
/// position-major: element p = n·i + j of tile t for channel k is at p · K · T + k · T + t,
/// so each position is one row-major [K, T] GEMM operand and the transforms run on vectors
/// of neighbouring tiles. F(2×2) keeps each input plane split by column parity
/// (`WinogradScratch.planes`), so its stride-2 tile columns are contiguous; F(4×4) first
/// stages each tile element's run of tiles (`gather4`). The per-chunk arithmetic is below
/// for F(2×2, 3×3) and in Winograd+F4.swift for F(4×4, 3×3).
/// F(2×2, 3×3), each a row stage then the same combination on columns:
///   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   (input tiles)
///   Aᵀ = [1 1 1 0; 0 1 −1 −1]                      (output tiles)
extension WinogradKernel {
  /// V = Bᵀ d B for every n×n input tile of images start..<start+images: [n², C, T].
  static func inputTransform(
    _ x: UnsafePointer<Float>, _ t: WinogradTiling, _ start: Int, _ images: Int,
    _ scratch: WinogradScratch, into v: UnsafeMutablePointer<Float>, positionStride stride: Int
  ) {
    let g = t.geometry
    let c = g.inChannels
    let tiles = images * t.tilesPerImage
    let (pw, ps) = (t.planeWidth, t.planeSize)
    for image in 0..<images {
      for channel in 0..<c {
        scratch.split(x + ((start + image) * c + channel) * g.height * g.width, t)
        var dst = v + channel * tiles + image * t.tilesPerImage
        if t.m == 4 {
          // Narrow planes (4 tiles across 16 columns): stage each tile element's row of
          // tiles, then transform the whole plane's tiles in full vectors.
          let (rows, zs) = (UnsafePointer(scratch.staging), t.stagingStride)
          scratch.forEachTileSegment(t) { row, plane in gather4(row, plane, t.tilesWide) }
          forEachChunk(t.tilesPerImage) { i, n in
            inputChunk4(SIMD8<Float>.self, rows + i, zs, dst + i, stride, n)
          } narrow: { i, n in
            inputChunk4(SIMD4<Float>.self, rows + i, zs, dst + i, stride, n)
          }
          continue
        }
        for ty in 0..<t.tilesHigh {
          let top = UnsafePointer(scratch.planes + 2 * ty * pw)
          forEachChunk(t.tilesWide) { tx, n in
            inputChunk(SIMD8<Float>.self, top + tx, top + ps + tx, pw, dst + tx, stride, n)
          } narrow: { tx, n in
            inputChunk(SIMD4<Float>.self, top + tx, top + ps + tx, pw, dst + tx, stride, n)
          }
          dst += t.tilesWide
        }
      }
    }
  }

  /// y = Aᵀ M A + bias for every tile, M laid out [n², O, T]; the parts of tiles past the
  /// output edge are dropped.
  static func outputTransform(
    _ m: UnsafePointer<Float>, _ t: WinogradTiling, _ start: Int, _ images: Int,
    _ scratch: WinogradScratch, positionStride stride: Int, bias: UnsafePointer<Float>,
    into y: UnsafeMutablePointer<Float>
  ) {
    let g = t.geometry
    let o = g.outChannels
    let tiles = images * t.tilesPerImage
    let (rows, zs) = (scratch.staging, t.stagingStride)
    for image in 0..<images {
      for channel in 0..<o {
        let src = m + channel * tiles + image * t.tilesPerImage
        let b = bias[channel]
        if t.m == 2 {
          forEachChunk(t.tilesPerImage) { i, n in
            outputChunk(SIMD8<Float>.self, src + i, stride, b, rows + i, zs, n)
          } narrow: { i, n in
            outputChunk(SIMD4<Float>.self, src + i, stride, b, rows + i, zs, n)
          }
        } else {
          forEachChunk(t.tilesPerImage) { i, n in
            outputChunk4(SIMD8<Float>.self, src + i, stride, b, rows + i, zs, n)
          } narrow: { i, n in
            outputChunk4(SIMD4<Float>.self, src + i, stride, b, rows + i, zs, n)
          }
        }
        scatterTiles(rows, t, into: y + ((start + image) * o + channel) * g.outHeight * g.outWidth)
      }
    }
  }

  /// dM = A dY Aᵀ for every m×m tile of gy, [n², O, T]; rows and columns past the output
  /// edge count as zero.
  static func gradientTransform(
    _ gy: UnsafePointer<Float>, _ t: WinogradTiling, _ start: Int, _ images: Int,
    _ scratch: WinogradScratch, into dm: UnsafeMutablePointer<Float>, positionStride stride: Int
  ) {
    let g = t.geometry
    let o = g.outChannels
    let tiles = images * t.tilesPerImage
    let (rows, zs) = (UnsafePointer(scratch.staging), t.stagingStride)
    for image in 0..<images {
      for channel in 0..<o {
        gatherTiles(gy + ((start + image) * o + channel) * g.outHeight * g.outWidth, t, scratch)
        let dst = dm + channel * tiles + image * t.tilesPerImage
        if t.m == 2 {
          forEachChunk(t.tilesPerImage) { i, n in
            gradientChunk(SIMD8<Float>.self, rows + i, zs, dst + i, stride, n)
          } narrow: { i, n in
            gradientChunk(SIMD4<Float>.self, rows + i, zs, dst + i, stride, n)
          }
        } else {
          forEachChunk(t.tilesPerImage) { i, n in
            gradientChunk4(SIMD8<Float>.self, rows + i, zs, dst + i, stride, n)
          } narrow: { i, n in
            gradientChunk4(SIMD4<Float>.self, rows + i, zs, dst + i, stride, n)
          }
        }
      }
    }
  }

  /// gx = the scatter-added B dV Bᵀ of every tile, dV laid out [n², C, T], cropped from the
  /// padded plane back to the image.
  static func inputAdjoint(
    _ dv: UnsafePointer<Float>, _ t: WinogradTiling, _ start: Int, _ images: Int,
    _ scratch: WinogradScratch, positionStride stride: Int, into gx: UnsafeMutablePointer<Float>
  ) {
    let g = t.geometry
    let c = g.inChannels
    let tiles = images * t.tilesPerImage
    let (z, zs) = (scratch.staging, t.stagingStride)
    for image in 0..<images {
      for channel in 0..<c {
        let src = dv + channel * tiles + image * t.tilesPerImage
        if t.m == 2 {
          forEachChunk(t.tilesPerImage) { i, n in
            adjointChunk(SIMD8<Float>.self, src + i, stride, z + i, zs, n)
          } narrow: { i, n in
            adjointChunk(SIMD4<Float>.self, src + i, stride, z + i, zs, n)
          }
        } else {
          forEachChunk(t.tilesPerImage) { i, n in
            adjointChunk4(SIMD8<Float>.self, src + i, stride, z + i, zs, n)
          } narrow: { i, n in
            adjointChunk4(SIMD4<Float>.self, src + i, stride, z + i, zs, n)
          }
        }
        scratch.clearPlanes(t)
        if t.m == 4 {
          scratch.forEachTileSegment(t) { row, plane in scatterAdd4(plane, row, t.tilesWide) }
        } else {
          scratch.forEachTileSegment(t) { row, plane in addRow(plane, row, t.tilesWide) }
        }
        scratch.merge(t, into: gx + ((start + image) * c + channel) * g.height * g.width)
      }
    }
    // Leave the zero border `inputTransform` relies on.
    scratch.clearPlanes(t)
  }
}

// MARK: - One chunk of neighbouring tiles

extension WinogradKernel {
  /// Calls `wide` on chunks of 8 and `narrow` on chunks of up to 4 (the last may be short).
  @inline(__always)
  static func forEachChunk(
    _ count: Int, _ wide: (_ start: Int, _ count: Int) -> Void,
    narrow: (_ start: Int, _ count: Int) -> Void
  ) {
    var i = 0
    while count - i >= 8 {
      wide(i, 8)
      i += 8
    }
    while i < count {
      narrow(i, min(4, count - i))
      i += 4
    }
  }

  /// F(2×2): the tiles at e/o[tx ..< tx + n] of one tile row (e, o: the even and odd column
  /// phases): rows r = 0..3 of the tile are e[r·row], o[r·row], e[r·row + 1], o[r·row + 1].
  @inline(__always)
  static func inputChunk<V: SIMD>(
    _: V.Type, _ e: UnsafePointer<Float>, _ o: UnsafePointer<Float>, _ row: Int,
    _ dst: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    // Row stage over the tile's 4 rows, for each of its 4 columns.
    func rowStage(_ base: UnsafePointer<Float>) -> (V, V, V, V) {
      let (d0, d1, d2, d3) = (
        load(V.self, base), load(V.self, base + row), load(V.self, base + 2 * row),
        load(V.self, base + 3 * row)
      )
      return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
    }
    let c0 = rowStage(e)
    let c1 = rowStage(o)
    let c2 = rowStage(e + 1)
    let c3 = rowStage(o + 1)
    storeColumns((c0.0, c1.0, c2.0, c3.0), dst, stride, n)
    storeColumns((c0.1, c1.1, c2.1, c3.1), dst + 4 * stride, stride, n)
    storeColumns((c0.2, c1.2, c2.2, c3.2), dst + 8 * stride, stride, n)
    storeColumns((c0.3, c1.3, c2.3, c3.3), dst + 12 * stride, stride, n)
  }

  /// Column stage of one transformed row r: stores r B = (r₀ − r₂, r₁ + r₂, r₂ − r₁, r₁ − r₃).
  @inline(__always)
  static func storeColumns<V: SIMD>(
    _ r: (V, V, V, V), _ out: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    store(r.0 - r.2, out, n)
    store(r.1 + r.2, out + stride, n)
    store(r.2 - r.1, out + 2 * stride, n)
    store(r.1 - r.3, out + 3 * stride, n)
  }

  /// Aᵀ M A + b for n tiles, into the four staging rows (y00, y01, y10, y11).
  @inline(__always)
  static func outputChunk<V: SIMD>(
    _: V.Type, _ m: UnsafePointer<Float>, _ stride: Int, _ b: Float,
    _ quads: UnsafeMutablePointer<Float>, _ quadStride: Int, _ n: Int
  ) where V.Scalar == Float {
    // Row stage: s0 = m0 + m1 + m2 and s1 = m1 − m2 − m3 over the tile's rows, per column j.
    func rowStage(_ j: Int) -> (V, V) {
      let m0 = load(V.self, m + j * stride)
      let m1 = load(V.self, m + (4 + j) * stride)
      let m2 = load(V.self, m + (8 + j) * stride)
      let m3 = load(V.self, m + (12 + j) * stride)
      return (m0 + m1 + m2, m1 - m2 - m3)
    }
    let (c0, c1, c2, c3) = (rowStage(0), rowStage(1), rowStage(2), rowStage(3))
    let s0 = (c0.0, c1.0, c2.0, c3.0)
    let s1 = (c0.1, c1.1, c2.1, c3.1)
    let bias = V(repeating: b)
    store(s0.0 + s0.1 + s0.2 + bias, quads, n)
    store(s0.1 - s0.2 - s0.3 + bias, quads + quadStride, n)
    store(s1.0 + s1.1 + s1.2 + bias, quads + 2 * quadStride, n)
    store(s1.1 - s1.2 - s1.3 + bias, quads + 3 * quadStride, n)
  }

  /// A dY Aᵀ for n tiles whose 2×2 values are the staging rows (a0, b0, a1, b1).
  @inline(__always)
  static func gradientChunk<V: SIMD>(
    _: V.Type, _ quads: UnsafePointer<Float>, _ quadStride: Int,
    _ dst: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    let a0 = load(V.self, quads)
    let b0 = load(V.self, quads + quadStride)
    let a1 = load(V.self, quads + 2 * quadStride)
    let b1 = load(V.self, quads + 3 * quadStride)
    let zero = V()
    storeGradientRow(a0, b0, dst, stride, n)
    storeGradientRow(a0 + a1, b0 + b1, dst + 4 * stride, stride, n)
    storeGradientRow(a0 - a1, b0 - b1, dst + 8 * stride, stride, n)
    storeGradientRow(zero - a1, zero - b1, dst + 12 * stride, stride, n)
  }

  /// Column stage of one row (a, b) of A dY: stores (a, a + b, a − b, −b).
  @inline(__always)
  static func storeGradientRow<V: SIMD>(
    _ a: V, _ b: V, _ out: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    store(a, out, n)
    store(a + b, out + stride, n)
    store(a - b, out + 2 * stride, n)
    store(V() - b, out + 3 * stride, n)
  }

  /// B dV Bᵀ for n tiles, into the 16 staging rows (row p = 4r + s holds tile element (r, s)).
  @inline(__always)
  static func adjointChunk<V: SIMD>(
    _: V.Type, _ dv: UnsafePointer<Float>, _ stride: Int,
    _ z: UnsafeMutablePointer<Float>, _ zStride: Int, _ n: Int
  ) where V.Scalar == Float {
    // X = B dV per column j: rows (d0, d1 − d2 + d3, d1 + d2 − d0, −d3).
    func column(_ j: Int) -> (V, V, V, V) {
      let d0 = load(V.self, dv + j * stride)
      let d1 = load(V.self, dv + (4 + j) * stride)
      let d2 = load(V.self, dv + (8 + j) * stride)
      let d3 = load(V.self, dv + (12 + j) * stride)
      return (d0, d1 - d2 + d3, d1 + d2 - d0, V() - d3)
    }
    let (x0, x1, x2, x3) = (column(0), column(1), column(2), column(3))
    // Z = X Bᵀ, row by row: the same combination on the row's columns.
    storeAdjointRow((x0.0, x1.0, x2.0, x3.0), z, zStride, n)
    storeAdjointRow((x0.1, x1.1, x2.1, x3.1), z + 4 * zStride, zStride, n)
    storeAdjointRow((x0.2, x1.2, x2.2, x3.2), z + 8 * zStride, zStride, n)
    storeAdjointRow((x0.3, x1.3, x2.3, x3.3), z + 12 * zStride, zStride, n)
  }

  /// One row x of B dV: stores x Bᵀ = (x₀, x₁ − x₂ + x₃, x₁ + x₂ − x₀, −x₃).
  @inline(__always)
  static func storeAdjointRow<V: SIMD>(
    _ x: (V, V, V, V), _ out: UnsafeMutablePointer<Float>, _ stride: Int, _ n: Int
  ) where V.Scalar == Float {
    store(x.0, out, n)
    store(x.1 - x.2 + x.3, out + stride, n)
    store(x.1 + x.2 - x.0, out + 2 * stride, n)
    store(V() - x.3, out + 3 * stride, n)
  }

  @inline(__always)
  static func load<V: SIMD>(_: V.Type, _ p: UnsafePointer<Float>) -> V where V.Scalar == Float {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
  }

  /// Stores the first n lanes of v.
  @inline(__always)
  static func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int)
  where V.Scalar == Float {
    if n == V.scalarCount {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    } else {
      for lane in 0..<n { p[lane] = v[lane] }
    }
  }

  /// dst[i] = src[4i] for i < n, four at a time from 16-float loads (may read 15 floats
  /// past src[4(n − 1)]), then two from an 8-float load, then one.
  @inline(__always)
  static func gather4(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ n: Int) {
    var i = 0
    while n - i >= 4 {
      let v = UnsafeRawPointer(src + 4 * i).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(dst + i).storeBytes(of: v.evenHalf.evenHalf, as: SIMD4<Float>.self)
      i += 4
    }
    if n - i >= 2 {
      let v = UnsafeRawPointer(src + 4 * i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(dst + i).storeBytes(of: v.evenHalf.evenHalf, as: SIMD2<Float>.self)
      i += 2
    }
    if i < n { dst[i] = src[4 * i] }
  }

  /// dst[4i] += src[i] for i < n.
  @inline(__always)
  static func scatterAdd4(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ n: Int)
  {
    for i in 0..<n { dst[4 * i] += src[i] }
  }

  /// dst[0..<n] = src[0..<n] (rows of a few floats: a `memmove` call would cost more);
  /// reads nothing past src[n − 1], which may be the end of the caller's array.
  @inline(__always)
  static func copyRow(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ n: Int) {
    var i = 0
    while n - i >= 8 {
      store(load(SIMD8<Float>.self, src + i), dst + i, 8)
      i += 8
    }
    if n - i >= 4 {
      store(load(SIMD4<Float>.self, src + i), dst + i, 4)
      i += 4
    }
    while i < n {
      dst[i] = src[i]
      i += 1
    }
  }

  /// dst[0..<n] += src[0..<n].
  @inline(__always)
  static func addRow(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ n: Int) {
    forEachChunk(n) { i, count in
      store(load(SIMD8<Float>.self, dst + i) + load(SIMD8<Float>.self, src + i), dst + i, count)
    } narrow: { i, count in
      store(load(SIMD4<Float>.self, dst + i) + load(SIMD4<Float>.self, src + i), dst + i, count)
    }
  }
}

extension ConvGeometry {
  /// Images per block: about `ConvKernel.targetColumns` output columns, so that a block's
  /// column matrix (patch × columns, ≈ 2.4 MB for 128 channels) is still in cache when the
  /// GEMM reads it, instead of a batch-sized matrix written to and read back from memory.
  var blockImages: Int {
    max(1, min(batch, ConvKernel.targetColumns / max(1, outHeight * outWidth)))
  }
  var blockCount: Int { (batch + blockImages - 1) / blockImages }
  /// Output columns of one full block.
  var blockColumns: Int { blockImages * outHeight * outWidth }
}

/// Convolution as im2col + GEMM, one block of images at a time: each worker lowers its block
/// into its own scratch columns and runs a single-threaded GEMM on them, so the lowering and
/// the product share the worker's cache. Blocks depend only on the geometry, never on the
/// thread count, so results do not either.
enum ConvKernel {
  /// Output columns per block (see `ConvGeometry.blockImages`).
  static let targetColumns = 512
  /// Filter-gradient partial sums: a fixed number, summed in order, for thread-independence.
  static let filterGroups = 4

  /// y = conv(x, w) + b.
  static func forward(_ x: NDArray, _ w: NDArray, bias: NDArray?, _ g: ConvGeometry) -> NDArray {
    if WinogradKernel.applies(g) { return WinogradKernel.forward(x, w, bias: bias, g) }
    let ohw = g.outHeight * g.outWidth
    let (o, patch) = (g.outChannels, g.patch)
    let bias = bias?.data ?? [Float](repeating: 0, count: o)
    let data = makeArray(count: Shape.count(g.outputShape)) { out in
      let y = SharedPointer(out.baseAddress!)
      withSharedPointers(x.data, w.data, bias) { px, pw, pb in
        forEachBlock(g, scratch: (patch + o) * g.blockColumns) { start, images, scratch in
          let columns = images * ohw
          let (cols, product) = (scratch, scratch + patch * g.blockColumns)
          if images == 1 {
            return convolveImage(
              px.base, pw.base, pb.base, g, image: start, columns: cols,
              into: y.base + start * o * ohw)
          }
          im2col(px.base, g, start, images, cols)
          Gemm.call(
            false, false, o, columns, patch, 1, pw.base, patch, cols, columns, 0, product,
            columns)
          for image in 0..<images {
            for channel in 0..<o {
              let src = product + channel * columns + image * ohw
              let dst = y.base + ((start + image) * o + channel) * ohw
              let b = pb.base[channel]
              for i in 0..<ohw { dst[i] = src[i] + b }
            }
          }
        }
      }
    }
    return NDArray(shape: g.outputShape, data: data)
  }

  /// gx = ∂⟨gy, conv(x, w)⟩/∂x: the transposed convolution of gy with w.
  static func backwardInput(_ gy: NDArray, _ w: NDArray, _ g: ConvGeometry) -> NDArray {
    if WinogradKernel.applies(g) { return WinogradKernel.backwardInput(gy, w, g) }
    let ohw = g.outHeight * g.outWidth
    let (o, patch) = (g.outChannels, g.patch)
    let plane = g.inChannels * g.height * g.width
    let data = makeArray(count: Shape.count(g.inputShape)) { out in
      let gx = SharedPointer(out.baseAddress!)
      withSharedPointers(gy.data, w.data) { pg, pw, _ in
        forEachBlock(g, scratch: (o + patch) * g.blockColumns) { start, images, scratch in
          let columns = images * ohw
          let rows = outputRows(pg.base, g, start, images, into: scratch)
          let cols = scratch + o * g.blockColumns
          Gemm.call(
            true, false, patch, columns, o, 1, pw.base, patch, rows, columns, 0, cols, columns)
          (gx.base + start * plane).update(repeating: 0, count: images * plane)
          col2im(cols, g, start, images, gx.base)
        }
      }
    }
    return NDArray(shape: g.inputShape, data: data)
  }

  /// gw = ∂⟨gy, conv(x, w)⟩/∂w, shape [O, C, KH, KW]: per group of blocks a partial sum,
  /// then the groups added in order.
  static func backwardFilter(_ x: NDArray, _ gy: NDArray, _ g: ConvGeometry) -> NDArray {
    if WinogradKernel.applies(g) { return WinogradKernel.backwardFilter(x, gy, g) }
    let ohw = g.outHeight * g.outWidth
    let (o, patch) = (g.outChannels, g.patch)
    let size = o * patch
    let groups = min(g.blockCount, filterGroups)
    var partials = uninitializedArray(count: groups * size)  // each group starts with β = 0
    partials.withUnsafeMutableBufferPointer { pp in
      let partial = SharedPointer(pp.baseAddress!)
      withSharedPointers(x.data, gy.data) { px, pg, _ in
        let scratchSize = (patch + o) * g.blockColumns
        Parallel.forEachRange(groups, costPerItem: size * g.blockColumns) { range in
          let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchSize)
          defer { scratch.deallocate() }
          for group in range {
            let blocks = (group * g.blockCount / groups)..<((group + 1) * g.blockCount / groups)
            for block in blocks {
              let start = block * g.blockImages
              let images = min(g.blockImages, g.batch - start)
              let columns = images * ohw
              im2col(px.base, g, start, images, scratch)
              let rows = outputRows(
                pg.base, g, start, images, into: scratch + patch * g.blockColumns)
              Gemm.call(
                false, true, o, patch, columns, 1, rows, columns, scratch, columns,
                block == blocks.lowerBound ? 0 : 1, partial.base + group * size, patch)
            }
          }
        }
      }
      for group in 1..<max(1, groups) {
        let src = pp.baseAddress! + group * size
        for i in 0..<size { pp[i] += src[i] }
      }
    }
    return NDArray(shape: g.filterShape, data: Array(partials.prefix(size)))
  }

  /// out [O, OH·OW] = conv(x[image], w) + b through `columns` (patch × OH·OW floats): the
  /// product accumulated (β = 1) onto rows filled with the bias, which spares OpenBLAS's
  /// zeroing pass for β = 0 and a bias pass, each over the whole output.
  static func convolveImage(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
    _ g: ConvGeometry, image: Int, columns: UnsafeMutablePointer<Float>,
    into out: UnsafeMutablePointer<Float>
  ) {
    let (o, m) = (g.outChannels, g.outHeight * g.outWidth)
    im2col(x, g, image, 1, columns)
    for row in 0..<o { (out + row * m).update(repeating: bias[row], count: m) }
    Gemm.call(false, false, o, m, g.patch, 1, w, g.patch, columns, m, 1, out, m)
  }

  /// Runs `body(start, images, scratch)` for every block of images, the blocks split over
  /// the workers; each worker owns a scratch buffer of `scratch` floats.
  private static func forEachBlock(
    _ g: ConvGeometry, scratch: Int,
    _ body: (_ start: Int, _ images: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void
  ) {
    let cost = g.blockColumns * g.patch * g.outChannels
    Parallel.forEachRange(g.blockCount, costPerItem: cost) { blocks in
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
      defer { buffer.deallocate() }
      for block in blocks {
        let start = block * g.blockImages
        body(start, min(g.blockImages, g.batch - start), buffer)
      }
    }
  }

  /// gy[start..<start+images] ([images, O, OH·OW]) as the matrix [O, images·OH·OW]: for one
  /// image gy itself, else copied into `buffer`.
  private static func outputRows(
    _ gy: UnsafePointer<Float>, _ g: ConvGeometry, _ start: Int, _ images: Int,
    into buffer: UnsafeMutablePointer<Float>
  ) -> UnsafePointer<Float> {
    let ohw = g.outHeight * g.outWidth
    let first = gy + start * g.outChannels * ohw
    if images == 1 { return first }
    let columns = images * ohw
    for image in 0..<images {
      for channel in 0..<g.outChannels {
        (buffer + channel * columns + image * ohw)
          .update(from: first + (image * g.outChannels + channel) * ohw, count: ohw)
      }
    }
    return UnsafePointer(buffer)
  }
}

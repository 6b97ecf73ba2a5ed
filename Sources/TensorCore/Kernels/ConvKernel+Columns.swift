/// The lowering of a block of images to columns and its adjoint, run inside one worker.
extension ConvKernel {
  /// cols[(c, ky, kx), (image, oy, ox)] = x[start + image, c, oy·s − p + ky, ox·s − p + kx] or 0.
  static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ start: Int, _ images: Int,
    _ cols: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    var dst = cols
    for row in 0..<g.patch {
      let tap = ColumnTap(row: row, g)
      for image in 0..<images {
        let plane = x + tap.planeOffset(image: start + image, g)
        if let span = tap.span {
          let end = span.to + span.count
          dst.update(repeating: 0, count: span.to)
          (dst + span.to).update(from: plane + span.from, count: span.count)
          (dst + end).update(repeating: 0, count: oh * ow - end)
          span.clearEdges(dst, g)
          dst += oh * ow
          continue
        }
        for oy in 0..<oh {
          let iy = oy * g.stride - g.padding + tap.ky
          if iy < 0 || iy >= g.height {
            for ox in 0..<ow { dst[ox] = 0 }
          } else {
            let src = plane + iy * g.width + tap.offset
            for ox in 0..<tap.valid.lowerBound { dst[ox] = 0 }
            if g.stride == 1 {
              for ox in tap.valid { dst[ox] = src[ox] }
            } else {
              for ox in tap.valid { dst[ox] = src[ox * g.stride] }
            }
            for ox in tap.valid.upperBound..<ow { dst[ox] = 0 }
          }
          dst += ow
        }
      }
    }
  }

  /// The adjoint of im2col: accumulates cols into gx[start..<start+images]. Clobbers the
  /// entries of cols that lie outside the image.
  static func col2im(
    _ cols: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ start: Int, _ images: Int,
    _ gx: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    var src = cols
    for row in 0..<g.patch {
      let tap = ColumnTap(row: row, g)
      for image in 0..<images {
        let plane = gx + tap.planeOffset(image: start + image, g)
        if let span = tap.span {
          // The columns that fall outside the image wrap onto the neighbouring row in the
          // contiguous span; they are zeroed first (cols is scratch) so they add nothing.
          span.clearEdges(src, g)
          let (to, from) = (plane + span.from, src + span.to)
          for i in 0..<span.count { to[i] += from[i] }
          src += oh * ow
          continue
        }
        for oy in 0..<oh {
          let iy = oy * g.stride - g.padding + tap.ky
          if iy >= 0 && iy < g.height {
            let dst = plane + iy * g.width + tap.offset
            if g.stride == 1 {
              for ox in tap.valid { dst[ox] += src[ox] }
            } else {
              for ox in tap.valid { dst[ox * g.stride] += src[ox] }
            }
          }
          src += ow
        }
      }
    }
  }
}

/// One row (c, ky, kx) of the column matrix and what lowering it needs, computed once per
/// row rather than per image.
struct ColumnTap {
  let channel, ky: Int
  /// kx − padding: the input column read by output column 0 (stride 1).
  let offset: Int
  /// The output columns ox whose input column ox·s − p + kx lies inside the image.
  let valid: Range<Int>
  /// The contiguous copy of a size-preserving convolution, else nil.
  let span: SameSizeSpan?

  init(row: Int, _ g: ConvGeometry) {
    let kernelArea = g.kernelHeight * g.kernelWidth
    channel = row / kernelArea
    let kx: Int
    (ky, kx) = (row % kernelArea).quotientAndRemainder(dividingBy: g.kernelWidth)
    offset = kx - g.padding
    // ix = ox·s − p + kx ∈ [0, W) ⇔ ox ∈ [ceil((p − kx)/s), floor((W − 1 + p − kx)/s)].
    let low = max(0, (g.padding - kx + g.stride - 1) / g.stride)
    let highInclusive = g.width - 1 + g.padding - kx
    let high = highInclusive < 0 ? 0 : min(g.outWidth, highInclusive / g.stride + 1)
    valid = low..<max(low, high)
    span = g.preservesSize ? SameSizeSpan(g, ky: ky, kx: kx) : nil
  }

  /// Offset of this row's input plane (image, channel) in an [N, C, H, W] array.
  func planeOffset(image: Int, _ g: ConvGeometry) -> Int {
    (image * g.inChannels + channel) * g.height * g.width
  }
}

extension ConvGeometry {
  /// Stride 1 with "same" padding: the output plane has the input's size, so a tap (ky, kx)
  /// reads one contiguous span of the input plane, shifted.
  var preservesSize: Bool { stride == 1 && outHeight == height && outWidth == width }
}

/// For a size-preserving convolution, the tap (ky, kx) as one contiguous copy: output plane
/// elements [to, to + count) read input plane elements [from, from + count). The span also
/// covers (wrapped) positions in the columns outside the image, which `clearEdges` zeroes.
struct SameSizeSpan {
  let dx: Int
  let rows: Range<Int>
  let from, to, count: Int

  init(_ g: ConvGeometry, ky: Int, kx: Int) {
    let (h, w) = (g.height, g.width)
    let dy = ky - g.padding
    dx = kx - g.padding
    // Output rows oy with input row oy + dy inside the image.
    rows = max(0, -dy)..<max(max(0, -dy), min(h, h - dy))
    var from = (rows.lowerBound + dy) * w + dx
    var to = rows.lowerBound * w
    var count = rows.count * w
    // Keep the span inside the plane; what it loses are edge columns, zeroed anyway.
    if from < 0 {
      to -= from
      count += from
      from = 0
    }
    count = min(count, h * w - from)
    // Nothing inside the image (a tap wholly in the padding): an empty span at 0.
    (self.from, self.to, self.count) = count > 0 ? (from, to, count) : (0, 0, 0)
  }

  /// Zeroes, in the valid rows of an output plane, the columns whose input column lies
  /// outside the image.
  func clearEdges(_ plane: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    guard dx != 0 else { return }
    let w = g.width
    let edge = dx < 0 ? 0..<min(-dx, w) : max(0, w - dx)..<w
    for oy in rows {
      let row = plane + oy * w
      for ox in edge { row[ox] = 0 }
    }
  }
}

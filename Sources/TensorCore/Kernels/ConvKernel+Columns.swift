/// The lowering of a block of images to columns and its adjoint, run inside one worker.
extension ConvKernel {
  /// cols[(c, ky, kx), (image, oy, ox)] = x[start + image, c, oy·s − p + ky, ox·s − p + kx] or 0.
  static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ start: Int, _ images: Int,
    _ cols: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    let kernelArea = g.kernelHeight * g.kernelWidth
    var dst = cols
    for row in 0..<g.patch {
      let channel = row / kernelArea
      let (ky, kx) = (row % kernelArea).quotientAndRemainder(dividingBy: g.kernelWidth)
      // The valid columns depend on kx only; rows are short (8–32), so no per-row calls.
      let valid = validColumns(ow, kx, g)
      let offset = kx - g.padding
      for image in 0..<images {
        let plane = x + ((start + image) * g.inChannels + channel) * g.height * g.width
        if g.preservesSize {
          let span = SameSizeSpan(g, ky: ky, kx: kx)
          let end = span.to + span.count
          dst.update(repeating: 0, count: span.to)
          (dst + span.to).update(from: plane + span.from, count: span.count)
          (dst + end).update(repeating: 0, count: oh * ow - end)
          span.clearEdges(dst, g)
          dst += oh * ow
          continue
        }
        for oy in 0..<oh {
          let iy = oy * g.stride - g.padding + ky
          if iy < 0 || iy >= g.height {
            for ox in 0..<ow { dst[ox] = 0 }
          } else {
            let src = plane + iy * g.width + offset
            for ox in 0..<valid.lowerBound { dst[ox] = 0 }
            if g.stride == 1 {
              for ox in valid { dst[ox] = src[ox] }
            } else {
              for ox in valid { dst[ox] = src[ox * g.stride] }
            }
            for ox in valid.upperBound..<ow { dst[ox] = 0 }
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
    let kernelArea = g.kernelHeight * g.kernelWidth
    var src = cols
    for row in 0..<g.patch {
      let channel = row / kernelArea
      let (ky, kx) = (row % kernelArea).quotientAndRemainder(dividingBy: g.kernelWidth)
      let valid = validColumns(ow, kx, g)
      let offset = kx - g.padding
      for image in 0..<images {
        let plane = gx + ((start + image) * g.inChannels + channel) * g.height * g.width
        if g.preservesSize {
          // The columns that fall outside the image wrap onto the neighbouring row in the
          // contiguous span; they are zeroed first (cols is scratch) so they add nothing.
          let span = SameSizeSpan(g, ky: ky, kx: kx)
          span.clearEdges(src, g)
          let (to, from) = (plane + span.from, src + span.to)
          for i in 0..<span.count { to[i] += from[i] }
          src += oh * ow
          continue
        }
        for oy in 0..<oh {
          let iy = oy * g.stride - g.padding + ky
          if iy >= 0 && iy < g.height {
            let dst = plane + iy * g.width + offset
            if g.stride == 1 {
              for ox in valid { dst[ox] += src[ox] }
            } else {
              for ox in valid { dst[ox * g.stride] += src[ox] }
            }
          }
          src += ow
        }
      }
    }
  }

  /// The output columns ox whose input column ox·s − p + kx lies inside the image.
  @inline(__always)
  static func validColumns(_ ow: Int, _ kx: Int, _ g: ConvGeometry) -> Range<Int> {
    // ix = ox·s − p + kx ∈ [0, W) ⇔ ox ∈ [ceil((p − kx)/s), floor((W − 1 + p − kx)/s)].
    let low = max(0, (g.padding - kx + g.stride - 1) / g.stride)
    let highInclusive = (g.width - 1 + g.padding - kx)
    let high = highInclusive < 0 ? 0 : min(ow, highInclusive / g.stride + 1)
    return low..<max(low, high)
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

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

  /// The adjoint of im2col: accumulates cols into gx[start..<start+images].
  static func col2im(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, _ start: Int, _ images: Int,
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

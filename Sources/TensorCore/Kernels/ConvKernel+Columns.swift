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
      let ky = (row % kernelArea) / g.kernelWidth
      let kx = row % g.kernelWidth
      for image in 0..<images {
        let plane = x + ((start + image) * g.inChannels + channel) * g.height * g.width
        for oy in 0..<oh {
          let iy = oy * g.stride - g.padding + ky
          if iy < 0 || iy >= g.height {
            dst.update(repeating: 0, count: ow)
          } else {
            copyRow(plane + iy * g.width, dst, ow, kx, g)
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
      for image in 0..<images {
        let plane = gx + ((start + image) * g.inChannels + channel) * g.height * g.width
        for oy in 0..<oh {
          let iy = oy * g.stride - g.padding + ky
          if iy >= 0 && iy < g.height {
            addRow(src, plane + iy * g.width, ow, kx, g)
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

  /// dst[ox] = src[ox·s − p + kx], zero outside the image.
  @inline(__always)
  static func copyRow(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ ow: Int, _ kx: Int,
    _ g: ConvGeometry
  ) {
    let valid = validColumns(ow, kx, g)
    dst.update(repeating: 0, count: valid.lowerBound)
    (dst + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound)
    let offset = kx - g.padding
    if g.stride == 1 {
      (dst + valid.lowerBound).update(from: src + valid.lowerBound + offset, count: valid.count)
    } else {
      for ox in valid { dst[ox] = src[ox * g.stride + offset] }
    }
  }

  /// row[ox·s − p + kx] += src[ox] for the columns inside the image.
  @inline(__always)
  static func addRow(
    _ src: UnsafePointer<Float>, _ row: UnsafeMutablePointer<Float>, _ ow: Int, _ kx: Int,
    _ g: ConvGeometry
  ) {
    let valid = validColumns(ow, kx, g)
    let offset = kx - g.padding
    if g.stride == 1 {
      let out = row + offset
      for ox in valid { out[ox] += src[ox] }
    } else {
      for ox in valid { row[ox * g.stride + offset] += src[ox] }
    }
  }
}

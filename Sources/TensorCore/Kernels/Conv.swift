/// The geometry of a 2-D convolution: input [N, C, H, W], filter [O, C, KH, KW],
/// output [N, O, OH, OW] with OH = (H + 2·padding − KH) / stride + 1 (likewise OW).
public struct ConvGeometry: Sendable, Equatable {
  public let batch, inChannels, height, width: Int
  public let outChannels, kernelHeight, kernelWidth: Int
  public let stride, padding: Int

  public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the im2col matrix: C·KH·KW.
  public var patch: Int { inChannels * kernelHeight * kernelWidth }
  public var inputShape: [Int] { [batch, inChannels, height, width] }
  public var filterShape: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }
  public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }

  /// Validates shapes for user input.
  /// - Throws: `ShapeError` when the input is not [N, C, H, W], the filter not [O, C, KH, KW],
  ///   stride < 1, padding < 0, or the kernel does not fit the padded input.
  public init(input: [Int], filter: [Int], stride: Int, padding: Int) throws {
    guard input.count == 4 else {
      throw ShapeError.mismatch(op: "conv2d", shape: input, expected: "[N, C, H, W]")
    }
    guard filter.count == 4, filter[1] == input[1] else {
      throw ShapeError.mismatch(op: "conv2d", shape: filter, expected: "[O, \(input[1]), KH, KW]")
    }
    guard stride >= 1, padding >= 0, input[2] + 2 * padding >= filter[2],
      input[3] + 2 * padding >= filter[3]
    else {
      throw ShapeError.mismatch(
        op: "conv2d", shape: input,
        expected: "a kernel \(filter[2])x\(filter[3]) that fits with padding \(padding)")
    }
    batch = input[0]
    inChannels = input[1]
    height = input[2]
    width = input[3]
    outChannels = filter[0]
    kernelHeight = filter[2]
    kernelWidth = filter[3]
    self.stride = stride
    self.padding = padding
  }

  /// Images per im2col chunk: about 8k output columns keeps the GEMM efficient and the
  /// column buffer small.
  var chunk: Int { max(1, min(batch, 8192 / max(1, outHeight * outWidth))) }
}

enum ConvKernel {
  /// y = conv(x, w) + b.
  static func forward(_ x: NDArray, _ w: NDArray, bias: NDArray?, _ g: ConvGeometry) -> NDArray {
    let ohw = g.outHeight * g.outWidth
    let out = makeArray(count: Shape.count(g.outputShape)) { out in
      let o = SharedPointer(out.baseAddress!)
      var cols = [Float](repeating: 0, count: g.patch * g.chunk * ohw)
      var tmp = [Float](repeating: 0, count: g.outChannels * g.chunk * ohw)
      for start in stride(from: 0, to: g.batch, by: g.chunk) {
        let images = min(g.chunk, g.batch - start)
        let columns = images * ohw
        im2col(x, g, start, images, &cols)
        w.data.withUnsafeBufferPointer { pw in
          cols.withUnsafeBufferPointer { pc in
            tmp.withUnsafeMutableBufferPointer { pt in
              Gemm.sgemm(
                transA: false, transB: false, m: g.outChannels, n: columns, k: g.patch,
                a: pw.baseAddress!, lda: g.patch, b: pc.baseAddress!, ldb: columns,
                c: pt.baseAddress!, ldc: columns)
            }
          }
        }
        // tmp is [O, images, OH·OW]; scatter to [images, O, OH·OW] and add the bias.
        tmp.withUnsafeBufferPointer { pt in
          Parallel.forEachRange(images * g.outChannels, costPerItem: ohw) { rows in
            for row in rows {
              let (image, channel) = row.quotientAndRemainder(dividingBy: g.outChannels)
              let b = bias?.data[channel] ?? 0
              let src = pt.baseAddress! + channel * columns + image * ohw
              let dst = o.base + ((start + image) * g.outChannels + channel) * ohw
              for i in 0..<ohw { dst[i] = src[i] + b }
            }
          }
        }
      }
    }
    return NDArray(shape: g.outputShape, data: out)
  }

  /// gx = ∂⟨gy, conv(x, w)⟩/∂x: the transposed convolution of gy with w.
  static func backwardInput(_ gy: NDArray, _ w: NDArray, _ g: ConvGeometry) -> NDArray {
    let ohw = g.outHeight * g.outWidth
    var gx = NDArray.zeros(g.inputShape)
    var gyChunk = [Float](repeating: 0, count: g.outChannels * g.chunk * ohw)
    var cols = [Float](repeating: 0, count: g.patch * g.chunk * ohw)
    for start in stride(from: 0, to: g.batch, by: g.chunk) {
      let images = min(g.chunk, g.batch - start)
      let columns = images * ohw
      gatherOutput(gy, g, start, images, &gyChunk)
      w.data.withUnsafeBufferPointer { pw in
        gyChunk.withUnsafeBufferPointer { pg in
          cols.withUnsafeMutableBufferPointer { pc in
            Gemm.sgemm(
              transA: true, transB: false, m: g.patch, n: columns, k: g.outChannels,
              a: pw.baseAddress!, lda: g.patch, b: pg.baseAddress!, ldb: columns,
              c: pc.baseAddress!, ldc: columns)
          }
        }
      }
      col2im(cols, g, start, images, &gx)
    }
    return gx
  }

  /// gw = ∂⟨gy, conv(x, w)⟩/∂w, shape [O, C, KH, KW].
  static func backwardFilter(_ x: NDArray, _ gy: NDArray, _ g: ConvGeometry) -> NDArray {
    let ohw = g.outHeight * g.outWidth
    var gw = NDArray.zeros(g.filterShape)
    var gyChunk = [Float](repeating: 0, count: g.outChannels * g.chunk * ohw)
    var cols = [Float](repeating: 0, count: g.patch * g.chunk * ohw)
    for start in stride(from: 0, to: g.batch, by: g.chunk) {
      let images = min(g.chunk, g.batch - start)
      let columns = images * ohw
      im2col(x, g, start, images, &cols)
      gatherOutput(gy, g, start, images, &gyChunk)
      gyChunk.withUnsafeBufferPointer { pg in
        cols.withUnsafeBufferPointer { pc in
          gw.withUnsafeMutableBufferPointer { pw in
            Gemm.sgemm(
              transA: false, transB: true, m: g.outChannels, n: g.patch, k: columns,
              a: pg.baseAddress!, lda: columns, b: pc.baseAddress!, ldb: columns, beta: 1,
              c: pw.baseAddress!, ldc: g.patch)
          }
        }
      }
    }
    return gw
  }

  /// Copies gy[start..<start+images] ([images, O, OHW]) into [O, images·OHW].
  private static func gatherOutput(
    _ gy: NDArray, _ g: ConvGeometry, _ start: Int, _ images: Int, _ dst: inout [Float]
  ) {
    let ohw = g.outHeight * g.outWidth
    let columns = images * ohw
    dst.withUnsafeMutableBufferPointer { pd in
      let d = SharedPointer(pd.baseAddress!)
      gy.data.withUnsafeBufferPointer { ps in
        Parallel.forEachRange(images * g.outChannels, costPerItem: ohw) { rows in
          for row in rows {
            let (image, channel) = row.quotientAndRemainder(dividingBy: g.outChannels)
            let src = ps.baseAddress! + ((start + image) * g.outChannels + channel) * ohw
            let out = d.base + channel * columns + image * ohw
            out.update(from: src, count: ohw)
          }
        }
      }
    }
  }

  /// cols[(c, ky, kx), (image, oy, ox)] = x[start + image, c, oy·s − p + ky, ox·s − p + kx] or 0.
  static func im2col(
    _ x: NDArray, _ g: ConvGeometry, _ start: Int, _ images: Int, _ cols: inout [Float]
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    let columns = images * oh * ow
    let kernelArea = g.kernelHeight * g.kernelWidth
    cols.withUnsafeMutableBufferPointer { pc in
      let c = SharedPointer(pc.baseAddress!)
      x.data.withUnsafeBufferPointer { px in
        Parallel.forEachRange(g.patch, costPerItem: columns) { rows in
          for row in rows {
            let channel = row / kernelArea
            let ky = (row % kernelArea) / g.kernelWidth
            let kx = row % g.kernelWidth
            var dst = c.base + row * columns
            for image in 0..<images {
              let plane = px.baseAddress! + ((start + image) * g.inChannels + channel) * g.height * g.width
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
      }
    }
  }

  /// The adjoint of im2col: accumulates cols into gx[start..<start+images].
  static func col2im(
    _ cols: [Float], _ g: ConvGeometry, _ start: Int, _ images: Int, _ gx: inout NDArray
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    let columns = images * oh * ow
    let kernelArea = g.kernelHeight * g.kernelWidth
    gx.withUnsafeMutableBufferPointer { pg in
      let out = SharedPointer(pg.baseAddress!)
      cols.withUnsafeBufferPointer { pc in
        // Each channel's planes are written by one range only, so ranges never collide.
        Parallel.forEachRange(g.inChannels, costPerItem: kernelArea * columns) { channels in
          for channel in channels {
            for k in 0..<kernelArea {
              let (ky, kx) = k.quotientAndRemainder(dividingBy: g.kernelWidth)
              var src = pc.baseAddress! + (channel * kernelArea + k) * columns
              for image in 0..<images {
                let plane = out.base + ((start + image) * g.inChannels + channel) * g.height * g.width
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

/// ConvNet's first block on a constant input — conv(x, w) + b, instance norm, affine, ReLU,
/// optional 2×2 average pooling — one image at a time, so that the convolution's output
/// (ConvNet-3 on 32×32 images: 0.5 MB per image, 134 MB per 256-image batch) stays in the
/// worker's cache instead of going to memory and back through four passes (conv write, norm
/// read, backward read and write, filter-gradient read). The backward recomputes each image's
/// convolution (27 multiply-adds per output on RGB input, cheaper than that round trip) and
/// forms no input gradient: the input is constant.
///
/// Same arithmetic in the same order as `ConvKernel` (im2col, one GEMM per image accumulated
/// onto the bias) followed by `NormReLUPoolKernel`, so forward, filter, γ and β gradients equal
/// the unfused kernels' bit for bit whenever im2col runs one image per block (outputs of at
/// least `ConvKernel.targetColumns` pixels, as ConvNet-3's first layer on 28×28 and 32×32
/// images; with a patch short enough for one pass of OpenBLAS's inner dimension, as its 9 or
/// 27 taps). The bias gradient is the per-plane sums of ∂z added in order.
enum ConvNormReLUPoolKernel {
  /// y = pool(relu(instanceNorm(conv(x, w) + b)·γ + β)) and the per-plane statistics of
  /// conv(x, w) + b that `backward` needs.
  static func forward(
    _ x: NDArray, _ w: NDArray, bias: NDArray, gamma: NDArray, beta: NDArray, _ g: ConvGeometry,
    pool: Bool, eps: Float
  ) -> (NDArray, NormReLUPoolKernel.Statistics) {
    let (n, o) = (g.batch, g.outChannels)
    let (h, wd) = (g.outHeight, g.outWidth)
    let (oh, ow) = pool ? (h / 2, wd / 2) : (h, wd)
    var data: [Float] = []
    let statistics = NormReLUPoolKernel.Statistics.filled(planes: n * o) { mu, sc in
      data = makeArray(count: n * o * oh * ow) { out in
        let y = SharedPointer(out.baseAddress!)
        withSharedPointers(x.data, w.data, bias.data) { px, pw, pb in
          Parallel.forEachRange(n, costPerItem: o * h * wd * g.patch) { images in
            let scratch = Scratch(g)
            defer { scratch.deallocate() }
            for image in images {
              scratch.convolve(px.base, pw.base, pb.base, image: image)
              for channel in 0..<o {
                let plane = image * o + channel
                (mu[plane], sc[plane]) = NormReLUPoolKernel.forwardPlane(
                  scratch.output + channel * h * wd, y.base + plane * oh * ow, h: h, w: wd,
                  pool: pool, eps: eps, gamma.data[channel], beta.data[channel],
                  rows: scratch.planeScratch)
              }
            }
          }
        }
      }
    }
    return (NDArray(shape: [n, o, oh, ow], data: data), statistics)
  }

  /// The gradients (w, b, γ, β) of ⟨gy, forward(x)⟩ given the forward's statistics. Per
  /// image: the convolution recomputed, ∂z of each plane by `NormReLUPoolKernel.backwardPlane`,
  /// then ∂w += ∂z · colsᵀ into one of `ConvKernel.filterGroups` partial sums (contiguous
  /// runs of images, added in order, so the result does not depend on the thread count).
  static func backward(
    _ gy: NDArray, x: NDArray, w: NDArray, bias: NDArray, gamma: NDArray, beta: NDArray,
    _ g: ConvGeometry, statistics: NormReLUPoolKernel.Statistics, pool: Bool
  ) -> (filter: NDArray, bias: NDArray, gamma: NDArray, beta: NDArray) {
    let (n, o) = (g.batch, g.outChannels)
    let (h, wd) = (g.outHeight, g.outWidth)
    let (m, pooled) = (h * wd, pool ? (h / 2) * (wd / 2) : h * wd)
    let size = o * g.patch
    let groups = min(n, ConvKernel.filterGroups)
    var partials = uninitializedArray(count: groups * size)  // each group starts with β = 0
    var sums = [Double](repeating: 0, count: 3 * n * o)  // Σ gz, Σ gz·x̂, Σ ∂z per plane
    partials.withUnsafeMutableBufferPointer { pp in
      sums.withUnsafeMutableBufferPointer { ps in
        let (partial, sum) = (SharedPointer(pp.baseAddress!), SharedPointer(ps.baseAddress!))
        withSharedPointers(x.data, w.data, bias.data) { px, pw, pb in
          gy.data.withUnsafeBufferPointer { pg in
            Parallel.forEachRange(groups, costPerItem: 2 * size * m * n / groups) { range in
              let scratch = Scratch(g)
              defer { scratch.deallocate() }
              for group in range {
                let images = (group * n / groups)..<((group + 1) * n / groups)
                for image in images {
                  scratch.convolve(px.base, pw.base, pb.base, image: image)
                  for channel in 0..<o {
                    let plane = image * o + channel
                    let dz = scratch.gradient + channel * m
                    (sum.base[plane], sum.base[n * o + plane]) = NormReLUPoolKernel.backwardPlane(
                      scratch.output + channel * m, pg.baseAddress! + plane * pooled, dz, h: h,
                      w: wd, pool: pool, statistics.mean[plane], statistics.inverseStd[plane],
                      gamma.data[channel], beta.data[channel], scratch: scratch.planeScratch)
                    sum.base[2 * n * o + plane] = Reduction.sum(dz, m)
                  }
                  Gemm.call(
                    false, true, o, g.patch, m, 1, scratch.gradient, m, scratch.columns, m,
                    image == images.lowerBound ? 0 : 1, partial.base + group * size, g.patch)
                }
              }
            }
          }
        }
        for group in 1..<max(1, groups) {
          let src = pp.baseAddress! + group * size
          for i in 0..<size { pp[i] += src[i] }
        }
      }
    }
    let plane = n * o
    return (
      NDArray(shape: g.filterShape, data: Array(partials.prefix(size))),
      NormReLUPoolKernel.channelSums(Array(sums[(2 * plane)...]), images: n, channels: o),
      NormReLUPoolKernel.channelSums(Array(sums[plane..<(2 * plane)]), images: n, channels: o),
      NormReLUPoolKernel.channelSums(Array(sums[..<plane]), images: n, channels: o)
    )
  }

  /// One worker's buffers: an image's im2col columns [patch, OH·OW], its convolution output
  /// and the output's gradient (each [O, OH·OW]), and a norm plane's scratch.
  private struct Scratch {
    let geometry: ConvGeometry
    let columns, output, gradient, planeScratch: UnsafeMutablePointer<Float>

    init(_ g: ConvGeometry) {
      geometry = g
      let m = g.outHeight * g.outWidth
      columns = .allocate(capacity: g.patch * m)
      output = .allocate(capacity: g.outChannels * m)
      gradient = .allocate(capacity: g.outChannels * m)
      planeScratch = .allocate(
        capacity: NormReLUPoolKernel.backwardScratch(g.outHeight, g.outWidth))
    }

    func deallocate() {
      for buffer in [columns, output, gradient, planeScratch] { buffer.deallocate() }
    }

    /// output = conv(x[image], w) + b, as `ConvKernel.forward` computes a one-image block.
    func convolve(
      _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
      image: Int
    ) {
      ConvKernel.convolveImage(
        x, w, bias, geometry, image: image, columns: columns, into: output)
    }
  }
}

extension NDArray {
  /// pool(relu(instanceNorm(conv2d(x, w, b))·γ + β)) for x [N, C, H, W], w [O, C, KH, KW],
  /// b, γ, β [O]: `conv2d` then `instanceNormReLUPool` in one pass per image, without the
  /// convolution's output in memory. Also returns the per-plane mean and 1/√(σ² + ε) (each
  /// [N·O]) that `convInstanceNormReLUPoolBackward` needs.
  public func convInstanceNormReLUPool(
    _ filter: NDArray, bias: NDArray, gamma: NDArray, beta: NDArray, stride: Int,
    padding: Int, pool: Bool, eps: Float
  ) -> (output: NDArray, mean: [Float], inverseStd: [Float]) {
    let g = Self.geometry(shape, filter.shape, stride, padding)
    for (name, v) in [("bias", bias), ("gamma", gamma), ("beta", beta)] {
      precondition(v.shape == [g.outChannels], "convInstanceNormReLUPool: \(name) \(v.shape)")
    }
    let (y, stats) = ConvNormReLUPoolKernel.forward(
      self, filter, bias: bias, gamma: gamma, beta: beta, g, pool: pool, eps: eps)
    return (y, stats.mean, stats.inverseStd)
  }

  /// The gradients of ⟨gy, x.convInstanceNormReLUPool(w, …)⟩ with respect to w, b, γ and β
  /// (x is taken as constant: no input gradient).
  public static func convInstanceNormReLUPoolBackward(
    _ gy: NDArray, input x: NDArray, filter: NDArray, bias: NDArray, gamma: NDArray,
    beta: NDArray, stride: Int, padding: Int, mean: [Float], inverseStd: [Float], pool: Bool
  ) -> (filter: NDArray, bias: NDArray, gamma: NDArray, beta: NDArray) {
    ConvNormReLUPoolKernel.backward(
      gy, x: x, w: filter, bias: bias, gamma: gamma, beta: beta,
      geometry(x.shape, filter.shape, stride, padding),
      statistics: .init(mean: mean, inverseStd: inverseStd), pool: pool)
  }
}

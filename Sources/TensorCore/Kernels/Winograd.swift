/// 3×3, stride-1 convolutions by Winograd's minimal filtering F(m×m, 3×3) (Lavin & Gray,
/// "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): each m×m output tile is
/// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for its n×n input tile d (n = m + 2), so per tile and channel
/// pair the 9·m² multiply-adds of a direct convolution become n²: 16 for 4 outputs with
/// F(2×2), 36 for 16 with F(4×4). Summed over input channels the elementwise products are n²
/// GEMMs, one per tile position p:
///   M[p] [O, T] = U[p] [O, C] · V[p] [C, T],   U = G g Gᵀ,  V = Bᵀ d B.
/// The two adjoints follow from linearity in U and V, with dM = A dY Aᵀ:
///   dV[p] = U[p]ᵀ · dM[p]  then  dd = B dV Bᵀ (tiles overlap by 2, so dd is scatter-added),
///   dU[p] = Σ_T dM[p] · V[p]ᵀ  then  dg = Gᵀ dU G.
/// Blocks of whole images (≈ `targetTiles` tiles) run on the workers, each with its own
/// scratch and single-threaded GEMMs; blocks depend only on the geometry, so results do not
/// depend on the thread count.
enum WinogradKernel {
  /// Tiles per block, near L2 for V and M (n² · C · T floats each): 128 for F(2×2), 64 for
  /// F(4×4), whose tiles are 2.25× larger.
  static func targetTiles(_ m: Int) -> Int { m == 4 ? 64 : 128 }
  /// Convolutions with fewer channels stay with im2col: the GEMMs' inner dimension would be
  /// too short to pay for the transforms.
  static let minChannels = 16
  /// Outputs at least this high and wide use F(4×4, 3×3), smaller ones F(2×2, 3×3). F(4×4)
  /// pays off on large outputs such as ConvNet-3's 16×16 layer; on small ones (its 8×8 layer:
  /// 2×2 tiles per plane, half-empty vectors) it gains little, not worth its ≈ 10× larger
  /// Float error.
  static let minSideForF4 = 12

  /// The output tile side m for `g`: 4 or 2.
  static func tileSize(_ g: ConvGeometry) -> Int {
    min(g.outHeight, g.outWidth) >= minSideForF4 ? 4 : 2
  }

  /// Whether `g` is a convolution this kernel computes.
  static func applies(_ g: ConvGeometry) -> Bool {
    g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == 1
      && min(g.inChannels, g.outChannels) >= minChannels
  }

  /// y = conv(x, w) + b.
  static func forward(_ x: NDArray, _ w: NDArray, bias: NDArray?, _ g: ConvGeometry) -> NDArray {
    let t = WinogradTiling(g)
    let (c, o) = (g.inChannels, g.outChannels)
    let u = filterTransform(w, t)
    let bias = bias?.data ?? [Float](repeating: 0, count: o)
    let data = makeArray(count: Shape.count(g.outputShape)) { out in
      let y = SharedPointer(out.baseAddress!)
      withSharedPointers(x.data, u, bias) { px, pu, pb in
        forEachBlock(t, scratch: t.blockFloats(c) + t.blockFloats(o)) { start, images, scratch in
          let tiles = images * t.tilesPerImage
          let (sv, sm) = (t.positionStride(c, tiles), t.positionStride(o, tiles))
          let (v, m) = (scratch.floats, scratch.floats + t.blockFloats(c))
          inputTransform(px.base, t, start, images, scratch, into: v, positionStride: sv)
          for p in 0..<t.points {
            Gemm.call(
              false, false, o, tiles, c, 1, pu.base + p * o * c, c, v + p * sv, tiles, 0,
              m + p * sm, tiles)
          }
          outputTransform(
            m, t, start, images, scratch, positionStride: sm, bias: pb.base, into: y.base)
        }
      }
    }
    return NDArray(shape: g.outputShape, data: data)
  }

  /// gx = ∂⟨gy, conv(x, w)⟩/∂x.
  static func backwardInput(_ gy: NDArray, _ w: NDArray, _ g: ConvGeometry) -> NDArray {
    let t = WinogradTiling(g)
    let (c, o) = (g.inChannels, g.outChannels)
    let u = filterTransform(w, t)
    let data = makeArray(count: Shape.count(g.inputShape)) { out in
      let gx = SharedPointer(out.baseAddress!)
      withSharedPointers(gy.data, u, []) { pg, pu, _ in
        forEachBlock(t, scratch: t.blockFloats(o) + t.blockFloats(c)) { start, images, scratch in
          let tiles = images * t.tilesPerImage
          let (sm, sv) = (t.positionStride(o, tiles), t.positionStride(c, tiles))
          let (dm, dv) = (scratch.floats, scratch.floats + t.blockFloats(o))
          gradientTransform(pg.base, t, start, images, scratch, into: dm, positionStride: sm)
          for p in 0..<t.points {
            Gemm.call(
              true, false, c, tiles, o, 1, pu.base + p * o * c, c, dm + p * sm, tiles, 0,
              dv + p * sv, tiles)
          }
          inputAdjoint(dv, t, start, images, scratch, positionStride: sv, into: gx.base)
        }
      }
    }
    return NDArray(shape: g.inputShape, data: data)
  }

  /// gw = ∂⟨gy, conv(x, w)⟩/∂w, shape [O, C, 3, 3]: dU summed per group of blocks, the
  /// groups added in order, then dg = Gᵀ dU G.
  static func backwardFilter(_ x: NDArray, _ gy: NDArray, _ g: ConvGeometry) -> NDArray {
    backward(x, gy, filter: nil, g).filter
  }

  /// gw and, when `filter` is given, gx: each block's transformed gy serves both products.
  static func backward(_ x: NDArray, _ gy: NDArray, filter w: NDArray?, _ g: ConvGeometry)
    -> (filter: NDArray, input: NDArray?)
  {
    let t = WinogradTiling(g)
    let (c, o) = (g.inChannels, g.outChannels)
    let size = t.points * o * c
    let groups = min(t.blockCount, ConvKernel.filterGroups)
    let u = w.map { filterTransform($0, t) } ?? []
    var partials = uninitializedArray(count: groups * size)  // each group starts with β = 0
    var gx: [Float] = []
    func run(_ gxBase: UnsafeMutablePointer<Float>?) {
      partials.withUnsafeMutableBufferPointer { pp in
        let partial = SharedPointer(pp.baseAddress!)
        let gxOut = gxBase.map(SharedPointer.init)
        withSharedPointers(x.data, gy.data, u) { px, pg, pu in
          let cost = t.points * o * c * t.blockTiles * (gxOut == nil ? 1 : 2)
          Parallel.forEachRange(groups, costPerItem: cost * t.blockCount / groups) { range in
            let scratch = WinogradScratch(floats: t.blockFloats(c) + t.blockFloats(o), t)
            defer { scratch.deallocate() }
            for group in range {
              let blocks = (group * t.blockCount / groups)..<((group + 1) * t.blockCount / groups)
              for block in blocks {
                let (start, images) = t.block(block)
                let tiles = images * t.tilesPerImage
                let (sv, sm) = (t.positionStride(c, tiles), t.positionStride(o, tiles))
                let (v, dm) = (scratch.floats, scratch.floats + t.blockFloats(c))
                inputTransform(px.base, t, start, images, scratch, into: v, positionStride: sv)
                gradientTransform(pg.base, t, start, images, scratch, into: dm, positionStride: sm)
                for p in 0..<t.points {
                  Gemm.call(
                    false, true, o, c, tiles, 1, dm + p * sm, tiles, v + p * sv, tiles,
                    block == blocks.lowerBound ? 0 : 1, partial.base + group * size + p * o * c, c)
                }
                guard let gxOut else { continue }
                // dV overwrites V, which the filter product above was the last to read.
                for p in 0..<t.points {
                  Gemm.call(
                    true, false, c, tiles, o, 1, pu.base + p * o * c, c, dm + p * sm, tiles, 0,
                    v + p * sv, tiles)
                }
                inputAdjoint(v, t, start, images, scratch, positionStride: sv, into: gxOut.base)
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
    if w != nil {
      gx = makeArray(count: Shape.count(g.inputShape)) { run($0.baseAddress!) }
    } else {
      run(nil)
    }
    return (
      NDArray(shape: g.filterShape, data: filterAdjoint(partials, t)),
      w == nil ? nil : NDArray(shape: g.inputShape, data: gx)
    )
  }

  /// Runs `body(start, images, scratch)` for every block of images, the blocks split over
  /// the workers; each worker owns a `WinogradScratch` with `scratch` floats.
  private static func forEachBlock(
    _ t: WinogradTiling, scratch: Int,
    _ body: (_ start: Int, _ images: Int, _ scratch: WinogradScratch) -> Void
  ) {
    let g = t.geometry
    let cost = t.points * t.blockTiles * g.inChannels * g.outChannels
    Parallel.forEachRange(t.blockCount, costPerItem: cost) { blocks in
      let buffers = WinogradScratch(floats: scratch, t)
      defer { buffers.deallocate() }
      for block in blocks {
        let (start, images) = t.block(block)
        body(start, images, buffers)
      }
    }
  }
}

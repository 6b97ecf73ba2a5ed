import TensorCore

/// The discrete convolution φ[a, b] = Σ_{a′, b′ < M} K(a − a′, b − b′) · g[a′, b′] of complex
/// [M, M] grids with a real kernel that is even in each offset, through zero-padded FFTs of
/// side L ≥ 2M − 1 (FIt-SNE step 2, Linderman et al. 2019: the kernel matrix between
/// equispaced nodes is Toeplitz, embedded in a circulant one).
///
/// A 2-D FFT here is two batched 1-D passes with a transpose between them. Zero rows are
/// never transformed: the first pass sees only M columns, and the inverse's last pass keeps
/// only M rows. The kernel spectrum is real (the kernel is real and even) and carries 1/L²
/// for the unnormalised inverse.
final class GridConvolution {
  /// The grid side M.
  let size: Int
  /// The FFT side L (2ᵃ3ᵇ, ≥ 2M − 1).
  let length: Int
  private let fft: BatchedFFT
  /// Row strides (multiples of 8) of the [L, M] and [L, L] work arrays.
  private let narrow: Int
  private let wide: Int
  private var buffers: Buffers

  /// The work arrays: `first` [L, ·] before the transpose, `second` [L, L] after it.
  private struct Buffers {
    var spectrum: [Float]
    var firstRe: [Float]
    var firstIm: [Float]
    var secondRe: [Float]
    var secondIm: [Float]
  }

  /// Shareable views of `Buffers`, taken once per call (the class's arrays would otherwise
  /// pay an exclusivity check per element).
  private struct Views {
    let spectrum: SharedPointer<Float>
    let firstRe: SharedPointer<Float>
    let firstIm: SharedPointer<Float>
    let secondRe: SharedPointer<Float>
    let secondIm: SharedPointer<Float>
  }

  init(size: Int, length: Int) {
    precondition(length >= 2 * size - 1, "FFT side \(length) for a grid of \(size)")
    guard let fft = BatchedFFT(length: length) else { preconditionFailure("FFT length \(length)") }
    self.size = size
    self.length = length
    self.fft = fft
    narrow = (size + 7) / 8 * 8
    wide = (length + 7) / 8 * 8
    let zeros = [Float](repeating: 0, count: length * wide)
    buffers = Buffers(
      spectrum: zeros, firstRe: zeros, firstIm: zeros, secondRe: zeros, secondIm: zeros)
  }

  /// Sets the kernel to K(d₀, d₁) = `kernel(d₀² + d₁²)` for offsets |dᵢ| < M.
  func setKernel(_ kernel: (Double) -> Double) {
    let (m, l, w) = (size, length, wide)
    // Offsets wrap around the circulant: index a stands for a (a < M) or a − L (a > L − M).
    let values = (0..<l).map { a -> Double? in a < m ? Double(a) : (a > l - m ? Double(a - l) : nil)
    }
    withViews { v in
      Parallel.forEachRange(l, costPerItem: 4 * w) { rows in
        for a in rows {
          for b in 0..<w {
            var value: Float = 0
            if b < l, let da = values[a], let db = values[b] {
              value = Float(kernel(da * da + db * db))
            }
            v.firstRe[a * w + b] = value
            v.firstIm[a * w + b] = 0
          }
        }
      }
      fft.forward(v.firstRe, v.firstIm, stride: w, columns: 0..<w)
      transpose(v, rows: l, columns: l, stride: w)
      fft.forward(v.secondRe, v.secondIm, stride: w, columns: 0..<w)
      let scale = 1 / Float(l * l)
      Parallel.forEachRange(l * w, costPerItem: 1) { range in
        for e in range { v.spectrum[e] = v.secondRe[e] * scale }
      }
    }
  }

  /// Replaces `re` + i·`im` ([M · M] row-major) by its convolution with the kernel.
  func convolve(re: inout [Float], im: inout [Float]) {
    let (m, l) = (size, length)
    withViews { v in
      re.withSharedPointer { gridRe in
        im.withSharedPointer { gridIm in
          copy(
            from: (gridRe, gridIm, m), rows: m, columns: m, to: (v.firstRe, v.firstIm, narrow),
            rowsOut: l)
          fft.forward(v.firstRe, v.firstIm, stride: narrow, columns: 0..<narrow)
          transpose(v, rows: l, columns: m, stride: narrow)
          fft.forward(v.secondRe, v.secondIm, stride: wide, columns: 0..<wide)
          multiplyBySpectrum(v)
          fft.inverse(v.secondRe, v.secondIm, stride: wide, columns: 0..<wide)
          transposeBack(v)
          fft.inverse(v.firstRe, v.firstIm, stride: narrow, columns: 0..<narrow)
          copy(
            from: (v.firstRe, v.firstIm, narrow), rows: m, columns: m, to: (gridRe, gridIm, m),
            rowsOut: m)
        }
      }
    }
  }

  private func withViews(_ body: (Views) -> Void) {
    // The arrays leave the object meanwhile: nested accesses to members of one class
    // property would overlap, those of a local variable do not.
    var b = Buffers(spectrum: [], firstRe: [], firstIm: [], secondRe: [], secondIm: [])
    swap(&b, &buffers)
    defer { swap(&b, &buffers) }
    b.spectrum.withSharedPointer { spectrum in
      b.firstRe.withSharedPointer { firstRe in
        b.firstIm.withSharedPointer { firstIm in
          b.secondRe.withSharedPointer { secondRe in
            b.secondIm.withSharedPointer { secondIm in
              body(
                Views(
                  spectrum: spectrum, firstRe: firstRe, firstIm: firstIm, secondRe: secondRe,
                  secondIm: secondIm))
            }
          }
        }
      }
    }
  }

  /// The top-left rows × columns of a split-complex array into another, whose other columns
  /// (up to its stride) and rows (up to `rowsOut`) become zero.
  private func copy(
    from source: (SharedPointer<Float>, SharedPointer<Float>, Int), rows: Int, columns: Int,
    to target: (SharedPointer<Float>, SharedPointer<Float>, Int), rowsOut: Int
  ) {
    let stride = target.2
    Parallel.forEachRange(rowsOut, costPerItem: 2 * stride) { range in
      for a in range {
        let (re, im) = (target.0.base + a * stride, target.1.base + a * stride)
        let filled = a < rows ? columns : 0
        if filled > 0 {
          re.update(from: source.0.base + a * source.2, count: filled)
          im.update(from: source.1.base + a * source.2, count: filled)
        }
        (re + filled).update(repeating: 0, count: stride - filled)
        (im + filled).update(repeating: 0, count: stride - filled)
      }
    }
  }

  /// second[b, a] = first[a, b] for a < `rows`, b < `columns` of the first array (row
  /// stride `stride`); every other element of the [L, L] second array is zeroed.
  private func transpose(_ v: Views, rows: Int, columns: Int, stride: Int) {
    Self.transposed(
      (v.firstRe, v.firstIm, stride), rows: rows, columns: columns,
      into: (v.secondRe, v.secondIm, wide), rowsOut: length)
  }

  /// first[a, b] = second[b, a] for b < M, a < L: back to the [L, M] layout.
  private func transposeBack(_ v: Views) {
    Self.transposed(
      (v.secondRe, v.secondIm, wide), rows: size, columns: length,
      into: (v.firstRe, v.firstIm, narrow), rowsOut: length)
  }

  /// target[b, a] = source[a, b] for a < `rows`, b < `columns`; the rest of target's
  /// `rowsOut` rows (up to its stride) zero. Tiles of 16 × 16 keep both sides in cache, and
  /// target rows are split over the workers.
  private static func transposed(
    _ source: (SharedPointer<Float>, SharedPointer<Float>, Int), rows: Int, columns: Int,
    into target: (SharedPointer<Float>, SharedPointer<Float>, Int), rowsOut: Int
  ) {
    let tile = 16
    let (s, t) = (source.2, target.2)
    Parallel.forEachRange((rowsOut + tile - 1) / tile, costPerItem: 4 * tile * t) { blocks in
      for block in blocks {
        let targetRows = (block * tile)..<min(rowsOut, block * tile + tile)
        for a0 in Swift.stride(from: 0, to: rows, by: tile) {
          for b in targetRows where b < columns {
            for a in a0..<min(rows, a0 + tile) {
              target.0[b * t + a] = source.0[a * s + b]
              target.1[b * t + a] = source.1[a * s + b]
            }
          }
        }
        for b in targetRows {
          let filled = b < columns ? rows : 0
          (target.0.base + b * t + filled).update(repeating: 0, count: t - filled)
          (target.1.base + b * t + filled).update(repeating: 0, count: t - filled)
        }
      }
    }
  }

  private func multiplyBySpectrum(_ v: Views) {
    Parallel.forEachRange(length * wide, costPerItem: 2) { range in
      for e in range {
        v.secondRe[e] *= v.spectrum[e]
        v.secondIm[e] *= v.spectrum[e]
      }
    }
  }
}

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
  /// Whether the kernels compute this convolution by Winograd's minimal filtering (3×3,
  /// stride 1, at least 16 input and output channels) rather than im2col + GEMM.
  public var usesWinograd: Bool { WinogradKernel.applies(self) }
  /// The Winograd output tile side: 4 for F(4×4, 3×3) on outputs at least 8 high and
  /// wide, 2 for F(2×2, 3×3) on smaller ones; nil without Winograd.
  public var winogradTile: Int? { usesWinograd ? WinogradKernel.tileSize(self) : nil }

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
}

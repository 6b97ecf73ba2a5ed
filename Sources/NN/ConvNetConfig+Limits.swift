import TensorCore

/// The largest ConvNet ddcal builds, whether from the `convnet` command's arguments or from a
/// saved model's or expert trajectory's `ddcal.config`, so a configuration read from a file
/// can never ask for more than a command could (and no size computed from it overflows).
extension ConvNetConfig {
  /// Conv blocks: 8 already pools a 256-pixel image down to one pixel.
  public static let maximumDepth = 8
  /// Channels per conv (the paper uses 128).
  public static let maximumNetWidth = 1024
  /// Input channels (1 for grayscale, 3 for colour).
  public static let maximumChannels = 64
  /// Image height and width in pixels.
  public static let maximumImageSide = 1024
  /// Classes of the classifier.
  public static let maximumClasses = 100_000

  /// Throws when a size lies outside the limits above; every later size computation
  /// (features, parameter counts) then fits easily in an Int.
  func checkLimits() throws {
    let limits: [(String, Int, ClosedRange<Int>)] = [
      ("depth", depth, 1...Self.maximumDepth),
      ("width", netWidth, 1...Self.maximumNetWidth),
      ("channels", channels, 1...Self.maximumChannels),
      ("image height", height, 1...Self.maximumImageSide),
      ("image width", width, 1...Self.maximumImageSide),
      ("classes", classes, 2...Self.maximumClasses),
    ]
    for (name, value, range) in limits where !range.contains(value) {
      throw ShapeError.mismatch(
        op: "convnet", shape: [channels, height, width],
        expected: "\(name) \(range.lowerBound)…\(range.upperBound), not \(value)")
    }
  }

  /// The number of trainable parameters (conv weights and biases, norm scales and shifts,
  /// the classifier), for memory estimates; valid after `validate()`.
  public var parameterCount: Int {
    var total = 0
    var inChannels = channels
    for _ in 0..<depth {
      total += netWidth * inChannels * 9 + netWidth + (norm == .none ? 0 : 2 * netWidth)
      inChannels = netWidth
    }
    return total + featureCount * classes + classes
  }

  /// Floats of activations one image keeps alive through a training step: every block's
  /// conv, norm, ReLU and pool outputs and their gradients (an upper estimate).
  public var activationsPerImage: Int {
    var total = 0
    // Block b's conv keeps the size of its input: the padded image for b = 0, else the
    // previous block's output.
    var (h, w) = (height + 2 * firstPadding - 2, width + 2 * firstPadding - 2)
    for block in 0..<depth {
      total += 8 * netWidth * h * w
      (h, w) = featureSize(afterBlock: block)
    }
    return total + 4 * classes
  }
}

import TensorCore

/// Random edits of a byte string, the way coverage-blind fuzzers (zzuf, radamsa's simpler
/// modes) mutate files: bit flips, interesting values over header fields, insertions,
/// deletions, truncations and repeated chunks. Deterministic for a given seed.
public struct Mutator {
  private var rng: RandomStream
  /// Byte strings spliced into text inputs (keywords, brackets, quotes, escapes, numbers).
  private let dictionary: [[UInt8]]

  /// Values that sit on the edges of integer fields.
  static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFE, 0xFF]
  static let interestingWords: [UInt64] = [
    0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE, 1 << 31,
    0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF,
  ]

  /// A mutator drawing from `seed`; `dictionary` adds token splices (for text formats).
  public init(seed: UInt64, dictionary: [String] = []) {
    rng = RandomStream(seed: seed, stream: 0x6675_7A7A)  // "fuzz"
    self.dictionary = dictionary.map { Array($0.utf8) }
  }

  /// `input` with one to four random edits applied.
  public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0...rng.int(in: 0..<4) { edit(&bytes) }
    return bytes
  }

  private mutating func position(_ bytes: [UInt8]) -> Int {
    bytes.isEmpty ? 0 : rng.int(in: 0..<bytes.count)
  }

  private mutating func edit(_ bytes: inout [UInt8]) {
    let choices = dictionary.isEmpty ? 8 : 10
    switch rng.int(in: 0..<choices) {
    case 0 where !bytes.isEmpty:
      bytes[position(bytes)] ^= UInt8(1) << UInt8(rng.int(in: 0..<8))
    case 1 where !bytes.isEmpty:
      bytes[position(bytes)] = Self.interestingBytes[rng.int(in: 0..<Self.interestingBytes.count)]
    case 2 where bytes.count >= 8:
      overwriteWord(&bytes)
    case 3:
      let count = rng.int(in: 1..<17)
      let insert = (0..<count).map { _ in UInt8(rng.int(in: 0..<256)) }
      bytes.insert(contentsOf: insert, at: bytes.isEmpty ? 0 : rng.int(in: 0..<(bytes.count + 1)))
    case 4 where !bytes.isEmpty:
      let start = position(bytes)
      bytes.removeSubrange(start..<min(bytes.count, start + rng.int(in: 1..<64)))
    case 5 where !bytes.isEmpty:
      bytes.removeSubrange(position(bytes)...)
    case 6 where !bytes.isEmpty:
      let start = position(bytes)
      let chunk = bytes[start..<min(bytes.count, start + rng.int(in: 1..<256))]
      bytes.insert(contentsOf: chunk, at: position(bytes))
    case 7 where !bytes.isEmpty:
      bytes[position(bytes)] = UInt8(rng.int(in: 0..<256))
    case 8, 9:
      let token = dictionary[rng.int(in: 0..<dictionary.count)]
      let count = rng.int(in: 0..<8) == 0 ? rng.int(in: 2..<64) : 1
      let splice = Array([[UInt8]](repeating: token, count: count).joined())
      bytes.insert(contentsOf: splice, at: bytes.isEmpty ? 0 : rng.int(in: 0..<(bytes.count + 1)))
    default:
      bytes.append(UInt8(rng.int(in: 0..<256)))
    }
  }

  /// An interesting 2-, 4- or 8-byte integer, little- or big-endian, over random bytes.
  private mutating func overwriteWord(_ bytes: inout [UInt8]) {
    let width = [2, 4, 8][rng.int(in: 0..<3)]
    let value = Self.interestingWords[rng.int(in: 0..<Self.interestingWords.count)]
    let start = rng.int(in: 0..<(bytes.count - width + 1))
    let bigEndian = rng.int(in: 0..<2) == 0
    for index in 0..<width {
      let shift = UInt64(8 * (bigEndian ? width - 1 - index : index))
      bytes[start + index] = UInt8(truncatingIfNeeded: value >> shift)
    }
  }
}

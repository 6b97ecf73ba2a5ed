import Datasets
import Foundation
import Shell
import TensorCore
import Testing

extension ShellTestSuite {
  /// What `dataset` records that the shell does not print: the normalisation, and files in
  /// types the shell cannot write (uint8 pixels, int64 one-hot labels). The transcript
  /// `arrays.ddc` covers the rest.
  @Suite struct DatasetCommandTests {
    /// The dataset `statement` binds to `d`, after `x = randn [4, 1, 2, 2] seed=1`.
    static func dataset(_ statement: String, harness: Harness = Harness()) -> Dataset? {
      let result = harness.script("x = randn [4, 1, 2, 2] seed=1\n" + statement)
      #expect(result.outcome == .success, "\(result.err)")
      return harness.interpreter.environment["d"]?.object(as: DatasetObject.self)?.dataset
    }

    static func x(_ harness: Harness) -> NDArray? {
      if case .tensor(let array)? = harness.interpreter.environment["x"] { return array }
      return nil
    }

    @Test func meanAndStdAreRecordedAsTheImagesCarryThem() throws {
      let harness = Harness()
      let d = try #require(
        Self.dataset("d = dataset x [0, 1, 0, 1] mean=0.5 std=0.25", harness: harness))
      let x = try #require(Self.x(harness))
      #expect(d.images == x)
      #expect(d.normalization == (try Normalization(mean: [0.5], std: [0.25])))
      #expect(d.pixelImages().data == x.data.map { $0 * 0.25 + 0.5 })
    }

    @Test func normalizeAppliesThemToRawImages() throws {
      let harness = Harness()
      let statement = "d = dataset x [0, 1, 0, 1] mean=[0.5] std=0.25 normalize=true"
      let d = try #require(Self.dataset(statement, harness: harness))
      let x = try #require(Self.x(harness))
      #expect(d.images.data == x.data.map { ($0 - 0.5) / 0.25 })
      #expect(d.normalization.mean == [0.5] && d.normalization.std == [0.25])
    }

    @Test func uint8PixelsAndInt64OneHotLabelsFromFiles() throws {
      let directory = try TranscriptTests.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let pixels = NPZFixture.Member(
        name: "x", descr: "|u1", shape: [2, 2, 2], data: [0, 51, 102, 255, 255, 0, 0, 0])
      let oneHot = NPZFixture.Member.int64("y", shape: [2, 3], [0, 0, 1, 1, 0, 0])
      try Data(pixels.npy).write(to: directory.appendingPathComponent("x.npy"))
      try Data(oneHot.npy).write(to: directory.appendingPathComponent("y.npy"))
      let harness = Harness()
      harness.bind("tmp", .string(directory.path))
      let d = try #require(
        Self.dataset("d = dataset tmp + \"/x.npy\" tmp + \"/y.npy\"", harness: harness))
      #expect(d.shape == [2, 1, 2, 2])
      #expect(d.images.data == [0, 0.2, 0.4, 1, 1, 0, 0, 0])
      #expect(d.labels == [2, 0] && d.classCount == 3)
      #expect(d.name == "x")
    }
  }
}

import Foundation

/// Atomic file replacement, shared by every writer in ddcal (npy/npz, figures, sessions):
/// write a temporary file in the destination's directory, then rename(2) it over the
/// destination, so readers see the old file or the complete new one — never a partial write.
public enum FileReplacement {
  /// False on the ranks of an mpirun job other than rank 0: their result files (save, figures,
  /// checkpoints) would be copies of rank 0's, so `replace` skips them, except for the shards
  /// a rank owns (`writingOwnFiles`). Set once at launch.
  nonisolated(unsafe) public static var writesResults = true
  nonisolated(unsafe) private static var writingOwn = 0

  /// Runs `body` with writes enabled on every rank: for files this rank alone produces
  /// (the experts it trained).
  public static func writingOwnFiles<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    writingOwn += 1
    defer { writingOwn -= 1 }
    return try body()
  }

  /// A hidden name beside `path`, unique per process and call: `dir/.name.tmp-<pid>-<n>`.
  public static func temporaryPath(beside path: String) -> String {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return directory + "." + name + ".tmp-\(getpid())-\(counter.next())"
  }

  /// Calls `body` with a fresh temporary path beside `path`, then renames it onto `path`.
  /// On any failure the temporary file is removed and `path` is untouched.
  ///
  /// Only a regular file (or nothing) is ever replaced: a device, fifo, socket or directory at
  /// `path` is refused, so `save x "/dev/null"` cannot turn the device node into a file. A
  /// symbolic link to a regular file is followed and its target replaced, the link kept.
  /// Paths outside the `--sandbox` directories are refused (`WriteGuard`).
  /// - Parameters:
  ///   - failure: makes the caller's error from the system's reason when the rename fails.
  ///   - body: writes the complete file at the path it is given.
  public static func replace<E: Error>(
    _ path: String, failure: (_ reason: String) -> E, _ body: (String) throws(E) -> Void
  ) throws(E) {
    guard writesResults || writingOwn > 0 else { return }
    let target: String
    do throws(WriteGuard.Refusal) {
      target = try WriteGuard.destination(of: path)
    } catch {
      throw failure(error.reason)
    }
    let temporary = temporaryPath(beside: target)
    do {
      try body(temporary)
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, target) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw failure(reason)
    }
  }

  private static let counter = Counter()

  /// A process-wide increasing number, so concurrent writers never share a temporary name.
  private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
      lock.lock()
      defer { lock.unlock() }
      value += 1
      return value
    }
  }
}

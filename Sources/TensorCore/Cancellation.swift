/// How a long loop below the shell learns that the user asked it to stop (Ctrl-C), without
/// every engine taking a `shouldStop` closure: the shell runs each command inside
/// `whilePolling`, and loops call `check()` once per batch.
///
/// The binding is task-local (thread-local outside tasks), so commands run by tests in
/// parallel each see their own.
public enum Cancellation {
  @TaskLocal private static var poll: (@Sendable () -> Bool)? = nil

  /// Runs `body` with `poll` as the stop request seen by `check()`.
  public static func whilePolling<R>(
    _ poll: @escaping @Sendable () -> Bool, _ body: () throws -> R
  ) rethrows -> R {
    try $poll.withValue(poll, operation: body)
  }

  /// Throws `CancellationError` when the enclosing `whilePolling` asks to stop.
  public static func check() throws {
    if let poll, poll() { throw CancellationError() }
  }
}

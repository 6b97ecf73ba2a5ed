import Foundation
import Synchronization

/// Ctrl-C as a flag: the SIGINT handler only sets it, and long-running commands poll it at
/// safe points (Lua's hook, sqlite's `seenInterrupt`).
///
/// A command loop calls `try Interrupt.check(at: "epoch \(e), step \(s)")` between steps;
/// when Ctrl-C was pressed it throws `ShellError.interrupted`, which unwinds to the prompt
/// with every binding kept. Engine modules cannot import Shell, so commands pass
/// `{ try Interrupt.check(at: …) }` into engine loops as a closure.
///
/// No command can ignore Ctrl-C: pressed a second time while the first is still pending
/// (nothing polled it: a loop without a safe point), it ends the process with status 130.
public enum Interrupt {
  /// Set by the signal handler; `Atomic` is `~Copyable`, so it lives in a static.
  private static let flag = Atomic<Bool>(false)

  /// Installs the SIGINT handler. Call once, before reading input.
  public static func install() {
    // Touch the lazy global first so the handler never runs its initialiser.
    _ = flag.load(ordering: .relaxed)
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      // A second Ctrl-C before anything consumed the first means the running command does
      // not poll: leave with the interrupt status rather than let it ignore Ctrl-C. Only
      // async-signal-safe calls here (write, _exit).
      if Interrupt.flag.exchange(true, ordering: .relaxed) {
        let message: StaticString = "\nddcal: Ctrl-C again before the command stopped; exiting\n"
        _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
        _exit(130)
      }
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
    // A blocked SIGINT would never arrive: a parent may spawn ddcal with its own mask
    // inherited (Foundation's Process on Linux blocks nearly every signal in the child).
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
  }

  /// True when Ctrl-C was pressed since the last `clear()`.
  public static var isRequested: Bool { flag.load(ordering: .relaxed) }

  /// Throws `ShellError.interrupted(at: location)` if Ctrl-C was pressed, clearing the flag.
  /// - Parameter location: where the work stopped, e.g. "epoch 3, step 41".
  public static func check(at location: @autoclosure () -> String) throws {
    if flag.exchange(false, ordering: .relaxed) {
      throw ShellError.interrupted(at: location())
    }
  }

  /// Forgets a pending Ctrl-C (the REPL does this before each statement).
  public static func clear() {
    flag.store(false, ordering: .relaxed)
  }

  /// Sets the flag as if Ctrl-C had been pressed (for tests).
  public static func request() {
    flag.store(true, ordering: .relaxed)
  }
}

import Cluster
import Foundation
import TensorCore

/// The executable's side of an mpirun job (docs/ARCHITECTURE.md §7): every rank runs the same
/// script; rank 0 alone prints, records the session and writes result files.
extension Launcher {
  /// Joins the MPI job when mpirun started this process (nothing otherwise). On ranks other
  /// than 0, result files are no longer written (`FileReplacement.writesResults`).
  public static func joinCluster() {
    Cluster.start()
    if !Cluster.isRoot { FileReplacement.writesResults = false }
  }

  /// True when more than one rank runs the script.
  public static var isDistributed: Bool { Cluster.isDistributed }

  /// `options` and `output` as rank `Cluster.rank` uses them. Without `--threads`, the ranks
  /// of one machine share its cores (cores / ranks on the machine, at least 1 each). Rank 0
  /// keeps the rest; the others get no session, no progress, and an output that prints
  /// nothing but keeps the last diagnostic for `leaveCluster`.
  static func rankLocal(_ options: LaunchOptions, _ output: Output) -> (LaunchOptions, Output) {
    var options = options
    if options.threads == nil && Cluster.localSize > 1 {
      options.threads = max(1, ProcessInfo.processInfo.activeProcessorCount / Cluster.localSize)
    }
    guard !Cluster.isRoot else { return (options, output) }
    options.sessionParent = nil
    options.quiet = true
    let silent = Output(
      standardOutput: { _ in },
      standardError: { text in
        if text.contains("error:") {
          RankDiagnostics.last = text
        } else {
          RankDiagnostics.last += text
        }
      })
    return (options, silent)
  }

  /// Ends this rank's part of the job. A script that failed on any rank of a distributed run
  /// ends the whole job (`MPI_Abort`), naming the rank and what it was running, so no rank waits
  /// forever in a collective; otherwise MPI is finalised.
  /// - Returns: `status`, when the process may exit normally.
  public static func leaveCluster(status: Int32) -> Int32 {
    if Cluster.isDistributed && status != 0 {
      let detail = RankDiagnostics.last.trimmingCharacters(in: .whitespacesAndNewlines)
      let message =
        "the script stopped (exit status \(status)) during \(Cluster.activity); "
        + (Cluster.isRoot || detail.isEmpty ? "ending every rank" : "ending every rank:\n\(detail)")
      Cluster.abort(status: status, message: message)
    }
    Cluster.finish()
    return status
  }

  /// Refuses what a distributed run cannot do: mpirun forwards standard input to rank 0
  /// only, so every rank needs the script as a file or -e.
  /// - Returns: an error message, or nil.
  public static func clusterRefusal(ranScripts: Bool) -> String? {
    guard Cluster.isDistributed, !ranScripts else { return nil }
    return "under mpirun every rank runs the same script: give it as a FILE or with -e"
  }
}

/// Files of rank 0 that every rank must read.
enum ClusterFiles {
  /// Under mpirun, gives every rank rank 0's copy of `path` (a checkpoint to resume): the
  /// machines may share no directory, and rank 0 alone writes checkpoints. A rank whose copy
  /// is missing or differs writes rank 0's in its place. Nothing happens in a one-rank world,
  /// or when rank 0 cannot read the file (its own read then reports why).
  /// - Throws: `ShellError.io` when the copy cannot be written.
  static func shareRootCopy(of path: String) throws {
    guard Cluster.isDistributed else { return }
    let url = URL(fileURLWithPath: path)
    let mine = (try? Data(contentsOf: url)).map { [UInt8]($0) }
    let root = Cluster.broadcast(Cluster.isRoot ? mine ?? [] : [])
    guard !Cluster.isRoot, !root.isEmpty, mine != root else { return }
    try FileReplacement.writingOwnFiles {
      try FileReplacement.replace(path, failure: { ShellError.io(path: path, message: $0) }) {
        (temporary: String) throws(ShellError) in
        do { try Data(root).write(to: URL(fileURLWithPath: temporary)) } catch {
          throw .io(path: path, message: error.localizedDescription)
        }
      }
    }
  }
}

/// The last diagnostic a silent rank printed, shown when its failure ends the job.
enum RankDiagnostics {
  nonisolated(unsafe) static var last = ""
}

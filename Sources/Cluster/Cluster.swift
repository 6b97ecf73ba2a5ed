import CMPI
import Foundation

/// The processes of one run: a single process, or the ranks `mpirun -np N ddcal …` started
/// (docs/ARCHITECTURE.md §7).
///
/// MPI is initialised only when Open MPI's launcher started the process (it sets
/// `OMPI_COMM_WORLD_SIZE`); otherwise the world is this process alone and no MPI function is
/// ever called, so a plain `ddcal` run is unchanged. Only the main thread calls MPI
/// (`MPI_THREAD_FUNNELED`): the kernels' worker threads never communicate.
///
/// Every collective must be called by all ranks in the same order; ddcal's ranks run the
/// same script, so they reach the same commands with the same arguments.
public enum Cluster {
  /// This process's rank, 0 ..< size.
  nonisolated(unsafe) public private(set) static var rank = 0
  /// The number of ranks; 1 without mpirun.
  nonisolated(unsafe) public private(set) static var size = 1
  /// True after `MPI_Init_thread` succeeded (and until `finish`).
  nonisolated(unsafe) public private(set) static var usesMPI = false
  /// What the shell is running (e.g. "`experts` at run.ddc:3"), named when a collective
  /// fails or the job is aborted.
  nonisolated(unsafe) public static var activity = "start-up" {
    didSet { prepareStopMessage() }
  }

  /// True on rank 0, the rank that prints, records the session and writes result files.
  public static var isRoot: Bool { rank == 0 }
  /// True when more than one rank takes part.
  public static var isDistributed: Bool { size > 1 }

  /// The number of ranks on this machine (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`); 1
  /// without mpirun.
  public static var localSize: Int {
    guard usesMPI else { return 1 }
    let value = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"]
    return max(1, value.flatMap { Int($0) } ?? 1)
  }

  /// True when the process was started by Open MPI's mpirun/mpiexec.
  public static var launchedByMPI: Bool {
    ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
  }

  /// Joins the MPI job when launched by mpirun; does nothing otherwise or when already
  /// started. Failures end the process with a message (there is no job to continue).
  public static func start() {
    guard launchedByMPI, !usesMPI else { return }
    var provided: Int32 = 0
    let status = MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
    guard status == cmpi_success() else {
      let message = "ddcal: MPI_Init_thread failed: \(errorString(status))\n"
      FileHandle.standardError.write(Data(message.utf8))
      exit(70)
    }
    usesMPI = true
    guard provided >= cmpi_thread_funneled() else {
      abort(status: 70, message: "this MPI library cannot serve a multi-threaded process")
    }
    // Errors come back as codes, so a failed collective reports the rank and the command.
    MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return())
    var value: Int32 = 0
    MPI_Comm_rank(cmpi_comm_world(), &value)
    rank = Int(value)
    MPI_Comm_size(cmpi_comm_world(), &value)
    size = Int(value)
    installStopHandler()
  }

  /// Leaves the MPI job (collective: every rank calls it once, at exit).
  public static func finish() {
    guard usesMPI else { return }
    MPI_Finalize()
    usesMPI = false
  }

  /// Ends the whole job: prints `message` (prefixed by the rank and host) on standard error,
  /// then `MPI_Abort` makes mpirun stop every rank. Without MPI, exits with `status`.
  public static func abort(status: Int32, message: String) -> Never {
    let prefix = isDistributed ? "ddcal: rank \(rank) of \(size) (\(hostName)): " : "ddcal: "
    FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    if usesMPI { MPI_Abort(cmpi_comm_world(), status) }
    exit(status)
  }

  /// This machine's name (`MPI_Get_processor_name` under MPI, else the host name).
  public static var hostName: String {
    if usesMPI {
      var buffer = [CChar](repeating: 0, count: Int(cmpi_max_processor_name()) + 1)
      var length: Int32 = 0
      if MPI_Get_processor_name(&buffer, &length) == cmpi_success() {
        return String(
          decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
      }
    }
    return ProcessInfo.processInfo.hostName
  }

  /// The host name of every rank, in rank order (collective).
  public static func hostNames() -> [String] {
    allgather(Array(hostName.utf8)).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The ranks meet here (collective).
  public static func barrier() {
    guard isDistributed else { return }
    check(MPI_Barrier(cmpi_comm_world()), "MPI_Barrier")
  }

  /// Stops the job when an MPI call failed: a failed collective means a peer is gone or the
  /// job is broken, and no rank can go on alone.
  static func check(_ status: Int32, _ operation: String) {
    guard status != cmpi_success() else { return }
    abort(status: 70, message: "\(operation) failed during \(activity): \(errorString(status))")
  }

  static func errorString(_ status: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    var length: Int32 = 0
    guard MPI_Error_string(status, &buffer, &length) == cmpi_success() else {
      return "MPI error \(status)"
    }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  // MARK: - Stopped by mpirun

  /// The line printed when mpirun stops this rank (another rank died or aborted), kept ready
  /// because a signal handler may only write(2) bytes that already exist.
  nonisolated(unsafe) private static var stopMessage = UnsafeMutablePointer<UInt8>.allocate(
    capacity: stopCapacity)
  nonisolated(unsafe) private static var stopLength = 0
  private static let stopCapacity = 1024

  /// mpirun ends the surviving ranks with SIGTERM when one dies: each then says which rank
  /// it was and what it was running, so the job's end names the command.
  private static func installStopHandler() {
    prepareStopMessage()
    signal(SIGTERM) { _ in
      write(STDERR_FILENO, Cluster.stopMessage, Cluster.stopLength)
      _exit(143)
    }
  }

  private static func prepareStopMessage() {
    guard usesMPI else { return }
    let text =
      "ddcal: rank \(rank) of \(size) (\(hostName)) stopped by mpirun during \(activity) "
      + "(another rank ended the job)\n"
    let bytes = Array(text.utf8.prefix(stopCapacity))
    stopLength = 0
    for (i, byte) in bytes.enumerated() { stopMessage[i] = byte }
    stopLength = bytes.count
  }
}

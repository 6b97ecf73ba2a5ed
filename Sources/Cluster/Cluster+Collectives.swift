import CMPI

// MARK: - Collectives (every rank calls them in the same order; no-ops in a one-rank world)

extension Cluster {
  /// Element-wise sum over ranks, the same on every rank and the same from run to run:
  /// rank 0 gathers every contribution and adds them in rank order (((x₀ + x₁) + x₂) + …),
  /// then broadcasts the sum. MPI_Allreduce may add in any order, which changes the last
  /// bits from one run (or one network layout) to the next.
  /// - Parameter values: this rank's contribution; every rank passes the same count.
  /// - Returns: Σ_r values_r.
  public static func allreduce(_ values: [Float]) -> [Float] {
    fixedOrderSum(values, datatype: cmpi_float(), "floats")
  }

  /// `allreduce(_:)` for Double values (accumulators, losses), in the same fixed order.
  public static func allreduce(_ values: [Double]) -> [Double] {
    fixedOrderSum(values, datatype: cmpi_double(), "doubles")
  }

  /// The gather-add-broadcast behind both `allreduce` forms.
  private static func fixedOrderSum<T: Numeric>(
    _ values: [T], datatype: MPI_Datatype, _ kind: String
  ) -> [T] {
    guard isDistributed else { return values }
    let all = gatherEqual(values, datatype: datatype, "MPI_Gather (allreduce of \(kind))")
    var sum = values
    if isRoot {
      sum = Array(all[0..<values.count])
      for r in 1..<size {
        let offset = r * values.count
        for i in sum.indices { sum[i] += all[offset + i] }
      }
    }
    return broadcast(sum, from: 0, datatype: datatype, "MPI_Bcast (allreduce of \(kind))")
  }

  /// `bytes` of rank `root` on every rank (`MPI_Bcast` of the length, then the bytes).
  public static func broadcast(_ bytes: [UInt8], from root: Int = 0) -> [UInt8] {
    guard isDistributed else { return bytes }
    let length = broadcast(
      [Int32(checkedCount(bytes.count))], from: root, datatype: cmpi_int(), "MPI_Bcast")
    var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length[0]))
    buffer = broadcast(buffer, from: root, datatype: cmpi_byte(), "MPI_Bcast")
    return buffer
  }

  /// Every rank's blob, in rank order, on every rank (`MPI_Allgather` of the lengths, then
  /// `MPI_Allgatherv` of the bytes). Blobs may differ in length.
  public static func allgather(_ blob: [UInt8]) -> [[UInt8]] {
    guard isDistributed else { return [blob] }
    var lengths = [Int32](repeating: 0, count: size)
    var mine = Int32(checkedCount(blob.count))
    check(
      MPI_Allgather(&mine, 1, cmpi_int(), &lengths, 1, cmpi_int(), cmpi_comm_world()),
      "MPI_Allgather")
    var offsets = [Int32](repeating: 0, count: size)
    var total = 0
    for r in 0..<size {
      offsets[r] = Int32(checkedCount(total))
      total += Int(lengths[r])
    }
    _ = checkedCount(total)
    var received = [UInt8](repeating: 0, count: total)
    let status = blob.withUnsafeBytes { send in
      received.withUnsafeMutableBytes { receive in
        MPI_Allgatherv(
          send.baseAddress, mine, cmpi_byte(), receive.baseAddress, lengths, offsets, cmpi_byte(),
          cmpi_comm_world())
      }
    }
    check(status, "MPI_Allgatherv")
    return (0..<size).map {
      Array(received[Int(offsets[$0])..<(Int(offsets[$0]) + Int(lengths[$0]))])
    }
  }

  /// Every rank's blob on rank `root`, in rank order; nil on the other ranks.
  public static func gather(_ blob: [UInt8], to root: Int = 0) -> [[UInt8]]? {
    guard isDistributed else { return [blob] }
    // An allgather moves more bytes than needed, but the blobs gathered (expert files,
    // trained networks) are small next to the training that made them.
    let all = allgather(blob)
    return rank == root ? all : nil
  }

  // MARK: - Helpers

  private static func gatherEqual<T: Numeric>(
    _ values: [T], datatype: MPI_Datatype, _ operation: String
  ) -> [T] {
    let count = Int32(checkedCount(values.count))
    var all = [T](repeating: 0, count: isRoot ? values.count * size : 0)
    let status = values.withUnsafeBytes { send in
      all.withUnsafeMutableBytes { receive in
        MPI_Gather(
          send.baseAddress, count, datatype, receive.baseAddress, count, datatype, 0,
          cmpi_comm_world())
      }
    }
    check(status, operation)
    return all
  }

  private static func broadcast<T>(
    _ values: [T], from root: Int, datatype: MPI_Datatype, _ operation: String
  ) -> [T] {
    var buffer = values
    let count = Int32(checkedCount(buffer.count))
    let status = buffer.withUnsafeMutableBytes {
      MPI_Bcast($0.baseAddress, count, datatype, Int32(root), cmpi_comm_world())
    }
    check(status, operation)
    return buffer
  }

  /// MPI counts are 32-bit: larger messages end the job with a clear message.
  private static func checkedCount(_ count: Int) -> Int {
    if count > Int(Int32.max) {
      abort(
        status: 70,
        message: "a message of \(count) elements is too large for MPI during \(activity)")
    }
    return count
  }
}

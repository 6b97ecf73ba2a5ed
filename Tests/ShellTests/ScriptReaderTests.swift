import Foundation
import Shell
import Testing

extension ShellTestSuite {
  /// Scripts run as they are read: statements run as their last line arrives, Ctrl-C stops a
  /// script that is reading, and the line numbers of diagnostics count through the input.
  @Suite struct ScriptReaderTests {
    /// Runs `text` through a `ScriptReader` over a pipe; returns status, stdout and stderr.
    static func run(_ text: String, harness: Harness = Harness()) throws
      -> (status: Int32, out: String, err: String)
    {
      let pipe = Pipe()
      pipe.fileHandleForWriting.write(Data(text.utf8))
      try pipe.fileHandleForWriting.close()
      let result = harness.capture {
        ScriptReader(
          fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "s.ddc",
          runner: harness.runner
        ).run()
      }
      return (result.value, result.out, result.err)
    }

    @Test func multiLineEntriesAndLineNumbers() throws {
      let text = """
        xs = [1,
          2, 3]
        for x in xs {
          print x
        }

        s = "two
        lines"
        print s.count xs.count
        print nope
        print 9
        """
      let result = try Self.run(text)
      #expect(result.status == 70)
      #expect(result.out == "1\n2\n3\n9 3\n")
      #expect(result.err.hasPrefix("s.ddc:10:7: error: unknown variable or command 'nope'"))
    }

    /// Statements before a syntax error have run: the script is not read whole first.
    @Test func syntaxErrorStopsWhereItIs() throws {
      let result = try Self.run("print 1\nx = ]\nprint 2\n")
      #expect(result.status == 65)
      #expect(result.out == "1\n")
      #expect(result.err.hasPrefix("s.ddc:2:5: error:"))
    }

    @Test func unfinishedEntryAtEndIsASyntaxError() throws {
      let result = try Self.run("print 1\nprint (1 +\n")
      #expect(result.status == 65)
      #expect(result.out == "1\n")
    }

    @Test func trailingOperatorsAndCommentsContinueOrNot() throws {
      let result = try Self.run("x = 1 +\n  2   # a comment with ( and \"\nprint x * 2\n")
      #expect(result.status == 0)
      #expect(result.out == "6\n")
    }

    /// A pending Ctrl-C stops the script before its next statement (the statement that was
    /// running never polled for it).
    @Test func pendingInterruptStopsBeforeTheNextStatement() throws {
      let harness = Harness()
      harness.runner.stopsAtPendingInterrupt = true
      defer { harness.runner.stopsAtPendingInterrupt = false }
      let result = try Self.run("print 1\nprint 2; print 3\n", harness: harness)
      #expect(result.status == 0 && result.out == "1\n2\n3\n")
      Interrupt.request()
      let stopped = try Self.run("print 1\nprint 2\n", harness: harness)
      #expect(stopped.status == 130)
      #expect(stopped.out == "")
      #expect(stopped.err.hasPrefix("interrupted at "), "\(stopped.err)")
      #expect(!Interrupt.isRequested)
    }

    @Test func endlessLineIsRefusedNotBuffered() throws {
      let pipe = Pipe()
      let writer = Thread {
        let chunk = Data(repeating: 0x61, count: 1 << 16)
        for _ in 0..<((ScriptReader.maximumEntryBytes >> 16) + 8) {
          pipe.fileHandleForWriting.write(chunk)
        }
        try? pipe.fileHandleForWriting.close()
      }
      writer.start()
      let harness = Harness()
      let result = harness.capture {
        ScriptReader(
          fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "<stdin>",
          runner: harness.runner
        ).run()
      }
      _ = pipe.fileHandleForReading.readDataToEndOfFile()
      #expect(result.value == 65)
      #expect(result.err.contains("a statement of at most 16777216 bytes"))
    }
  }
}

import Testing

/// The parent of every Shell suite. Serialized because the interrupt flag is process-wide:
/// the runner clears it before each statement, so a test that raises it must not overlap
/// with one that is running statements.
@Suite(.serialized) enum ShellTestSuite {}

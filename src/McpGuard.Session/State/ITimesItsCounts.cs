namespace McpGuard.State;

/// <summary>
/// A counter store that records its counts' durations itself, with the clock readings it takes anyway (SQLite: the
/// end of the transaction that decided them). Wrapping its counts in a state machine that reads the clock twice
/// more cost a call ~550 instructions with telemetry on (bench/HISTORY.md, issue 26, ninth session).
/// </summary>
internal interface ITimesItsCounts
{
    /// <summary>Set once, before the first count.</summary>
    void TimeCountsWith(CountDurations durations);
}

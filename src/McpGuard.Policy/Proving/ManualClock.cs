namespace McpGuard.Policy.Proving;

/// <summary>
/// The clock of a proof: it stands still until told to move, so a case's <c>wait</c> or a recorded call's time is
/// exactly the time the limits see. It never moves backwards (audit lines from several guards may be a few
/// milliseconds out of order; a sliding window must not see time run back).
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Advance(TimeSpan by) => _now += by;

    public void MoveTo(DateTimeOffset time)
    {
        if (time > _now)
        {
            _now = time;
        }
    }
}

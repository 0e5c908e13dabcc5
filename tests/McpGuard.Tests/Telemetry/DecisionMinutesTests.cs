using McpGuard.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Telemetry;

public sealed class DecisionMinutesTests
{
    [Fact]
    public void Read_CountsPerMinuteAndDecision_ForgetsMinutesOlderThanTheWindow()
    {
        var time = new FakeTimeProvider(
            DateTimeOffset.Parse("2026-12-05T10:00:10Z", System.Globalization.CultureInfo.InvariantCulture));
        var woken = 0;
        using var minutes = new DecisionMinutes(time, () => woken++);

        minutes.Count("allow", 1);
        minutes.Count("allow", 1);
        minutes.Count("deny", 1);
        time.Advance(TimeSpan.FromMinutes(1));
        minutes.Count("allow", 1);

        Assert.Equal(4, woken);
        Assert.Equal(
            ["10:00 allow 2", "10:00 deny 1", "10:01 allow 1"],
            minutes.Read().Select(m => $"{m.Minute:HH:mm} {m.Decision} {m.Count}"));

        time.Advance(TimeSpan.FromMinutes(DecisionMinutes.Minutes - 1));
        Assert.Equal(["10:01 allow 1"], minutes.Read().Select(m => $"{m.Minute:HH:mm} {m.Decision} {m.Count}"));
    }

    [Fact]
    public void Start_ListensToTheDecisionsCounter_ByItsDecisionLabel()
    {
        var time = new FakeTimeProvider();
        using var minutes = new DecisionMinutes(time, () => { });
        minutes.Start();

        // Other tests' sessions may count decisions at the same time: look only for this test's own word.
        GuardTelemetry.Decisions.Add(
            3, new(TelemetryNames.DecisionTag, "decision-minutes-test"), new(TelemetryNames.RuleTag, "r"));

        Assert.Equal(3, Assert.Single(minutes.Read(), m => m.Decision == "decision-minutes-test").Count);
    }
}

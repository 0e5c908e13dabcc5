using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Decide;
using McpGuard.Pins;
using McpGuard.Policy.Settings;
using McpGuard.Replay;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Audit.AuditTestRecords;
using static McpGuard.Tests.Pins.PinTestData;

namespace McpGuard.Tests.Replay;

/// <summary>
/// A call the recording guard decided by a pin (the tool's definition had drifted from its lock file, or was new)
/// depended on the server's definitions of that moment, which the log does not hold: replay takes the drift as
/// recorded, as it takes a person's answer, and decides it under the new policy's <c>pins:</c> settings. Replaying a
/// log under the policy that wrote it changes nothing (docs/testing.md).
/// </summary>
public sealed class ReplayPinTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ReplayPinTests() =>
        File.WriteAllText(_temp.File("p.lock.json"), LockFileWriter.Write([Pin(PlaceOrder)]));

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("hide", CallVerdict.Hidden, "pins.on_change")]
    [InlineData("deny", CallVerdict.Deny, "pins.on_change")]
    public async Task SamePolicy_CallDecidedByADriftedPin_Unchanged(
        string onChange, CallVerdict verdict, string rule)
    {
        var policy = Policy($"pins: {{ file: p.lock.json, on_change: {onChange} }}");
        var log = await RecordAsync(
            (0, "place_order", verdict, rule), (1, "place_order", CallVerdict.Allow, "default"));

        var report = AuditReplay.Run(policy, log);

        Assert.Empty(report.Changed);
        Assert.Equal(rule, report.Calls[0].Decision!.RuleId.ToString());
    }

    [Fact]
    public async Task NewPolicy_DriftedCall_DecidedByItsOwnPinSettings()
    {
        var log = await RecordAsync((0, "place_order", CallVerdict.Hidden, "pins.on_change"));

        var report = AuditReplay.Run(Policy("pins: { file: p.lock.json, on_change: deny }"), log);

        var changed = Assert.Single(report.Changed);
        Assert.Equal(CallVerdict.Deny, changed.Decision!.Verdict);
        Assert.Equal("pins.on_change", changed.Decision.RuleId.ToString());
    }

    [Fact]
    public async Task NewPolicyWithoutPins_DriftedCall_DecidedByItsRules()
    {
        var log = await RecordAsync((0, "place_order", CallVerdict.Hidden, "pins.on_change"));

        var report = AuditReplay.Run(Policy(""), log);

        Assert.Equal(CallVerdict.Allow, Assert.Single(report.Changed).Decision!.Verdict);
    }

    private CompiledPolicy Policy(string pins)
    {
        var result = PolicyLoader.LoadText($"version: 1\ndefault: allow\n{pins}\n", _temp.File("policy.yaml"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    /// <summary>Decision records written by the real audit writer, read back as replay reads them.</summary>
    private static Task<RecordedLog> RecordAsync(
        params (int Second, string Tool, CallVerdict Decision, string Rule)[] calls) =>
        RecordedLogAsync(
            AuditArgumentsMode.Full, [.. calls.Select(c => (c.Second, c.Tool, c.Decision, c.Rule, """{"qty":"1"}"""))]);
}

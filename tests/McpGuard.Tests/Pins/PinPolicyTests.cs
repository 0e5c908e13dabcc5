using McpGuard.Pins;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Pins.PinTestData;

namespace McpGuard.Tests.Pins;

/// <summary>
/// The <c>pins:</c> block: loading with its lock file, and what on_change / on_new decide (docs/pins.md).
/// </summary>
public sealed class PinPolicyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_LockFileMissing_IsAPolicyErrorNamingIt()
    {
        var result = Load("pins: { file: missing.lock.json }");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(_temp.File("missing.lock.json"), error.File);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LockFileInvalid_IsAPolicyError()
    {
        File.WriteAllText(
            _temp.File("p.lock.json"),
            LockFileWriter.Write([Pin(PlaceOrder)]).Replace("Use with care.", "Use freely.", StringComparison.Ordinal));

        var result = Load("pins: { file: p.lock.json }");

        Assert.Contains(
            result.Errors,
            e => e.Path == "$.tools[0].sha256" && e.Message.Contains("does not match", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pins: { on_change: allow }", "pins.on_change")]
    [InlineData("pins: { on_new: ignore }", "pins.on_new")]
    [InlineData("pins: { fiel: x.json }", "pins.fiel")]
    [InlineData("pins: { file: '' }", "pins.file")]
    [InlineData("pins: yes", "pins")]
    public void Rejects_BadPinsBlock(string block, string path)
    {
        var result = Load(block);

        Assert.Contains(result.Errors, e => e.Path == path);
    }

    [Fact]
    public void Load_NoFileNamed_UsesThePolicysNameBesideIt()
    {
        WriteLock("policy.lock.json");

        var policy = Loaded("pins: {}");

        Assert.Equal(_temp.File("policy.lock.json"), policy.Pins!.File);
        Assert.Equal(PinAction.Hide, policy.Pins.OnChange);
        Assert.Equal(PinAction.Hide, policy.Pins.OnNew);
        Assert.Equal(1, policy.PinnedTools!.Count);
    }

    [Theory]
    [InlineData("hide", "Changed", Verdict.Deny, "pins.on_change", true)]
    [InlineData("deny", "Changed", Verdict.Deny, "pins.on_change", false)]
    [InlineData("require_approval", "Changed", Verdict.RequireApproval, "pins.on_change", false)]
    [InlineData("hide", "None", Verdict.Allow, "tools.place_order", false)]
    public void Evaluate_OnChange_Decides(
        string onChange, string driftName, Verdict verdict, string ruleId, bool hidden)
    {
        var drift = Enum.Parse<PinDrift>(driftName);
        WriteLock("p.lock.json");
        var policy = Loaded($"pins: {{ file: p.lock.json, on_change: {onChange} }}\ntools:\n  place_order: allow");
        var engine = new PolicyEngine(policy);

        var decision = engine.Evaluate(PolicyTestDataCall("place_order", drift));

        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(ruleId, decision.RuleId);
        Assert.Equal(hidden, policy.IsHidden("place_order", RiskClass.Write, drift));
        if (drift == PinDrift.Changed && verdict == Verdict.Deny && !hidden)
        {
            Assert.Contains("changed since it was pinned in p.lock.json", decision.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("mcpguard pin", decision.Reason, StringComparison.Ordinal);
            Assert.Contains("re-pin with `mcpguard pin --policy", decision.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("allow", Verdict.Allow, "tools.place_order")]
    [InlineData("deny", Verdict.Deny, "pins.on_new")]
    [InlineData("require_approval", Verdict.RequireApproval, "pins.on_new")]
    public void Evaluate_OnNew_Decides(string onNew, Verdict verdict, string ruleId)
    {
        WriteLock("p.lock.json");
        var engine = new PolicyEngine(
            Loaded($"pins: {{ file: p.lock.json, on_new: {onNew} }}\ntools:\n  place_order: allow"));

        var decision = engine.Evaluate(PolicyTestDataCall("place_order", PinDrift.New));

        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(ruleId, decision.RuleId);
    }

    [Fact]
    public void Evaluate_RequireApprovalButPolicyDenies_StaysDenied()
    {
        WriteLock("p.lock.json");
        var engine = new PolicyEngine(
            Loaded(
                "pins: { file: p.lock.json, on_change: require_approval }\n"
                    + "tools:\n  place_order: { action: deny, reason: never }"));

        var decision = engine.Evaluate(PolicyTestDataCall("place_order", PinDrift.Changed));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("never", decision.Reason);
    }

    [Fact]
    public void Evaluate_HiddenByPolicy_HideComesFirst()
    {
        WriteLock("p.lock.json");
        var engine = new PolicyEngine(Loaded("pins: { file: p.lock.json, on_change: deny }\nhide: [place_order]"));

        Assert.Equal("hide", engine.Evaluate(PolicyTestDataCall("place_order", PinDrift.Changed)).RuleId);
    }

    [Fact]
    public void Reload_LockFileChanged_ReportsListChange()
    {
        WriteLock("p.lock.json");
        var engine = new PolicyEngine(Loaded("pins: { file: p.lock.json }"));
        File.WriteAllText(_temp.File("p.lock.json"), LockFileWriter.Write([Edited("Use with care.", "Use freely.")]));

        Assert.True(engine.Reload(Loaded("pins: { file: p.lock.json }")));
        Assert.False(engine.Reload(Loaded("pins: { file: p.lock.json }")));
    }

    private static ToolRequest PolicyTestDataCall(string tool, PinDrift drift) =>
        McpGuard.Tests.Policy.PolicyTestData.Call(tool) with { Drift = drift };

    private void WriteLock(string name) => File.WriteAllText(_temp.File(name), LockFileWriter.Write([Pin(PlaceOrder)]));

    private PolicyLoadResult Load(string pins) =>
        PolicyLoader.LoadText($"version: 1\ndefault: deny\n{pins}\n", _temp.File("policy.yaml"));

    private CompiledPolicy Loaded(string pins)
    {
        var result = Load(pins);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }
}

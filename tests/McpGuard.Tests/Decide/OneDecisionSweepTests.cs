using System.Text;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Cli;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;
using McpGuard.Session;
using McpGuard.Tests.Cli;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Policy.Proving.ProvingTestData;

namespace McpGuard.Tests.Decide;

/// <summary>
/// One decision everywhere (docs/architecture.md#the-call-decider): every Bybit tool (samples/bybit/bybit-tools.json,
/// called with no arguments) and every call of the sample's cases, decided by <c>mcpguard explain</c>,
/// <c>mcpguard test</c> and a live guard session facing a server that lists those tools and calls itself
/// <c>bybit-simulator</c> (as the sample simulator does): the same decision and rule for each, under the sample
/// policy and under the same policy without <c>risk: { catalogue: bybit }</c>, where the catalogue is picked by
/// the server's name (the live guard hears it, explain and test are told it with --server-name).
/// </summary>
public sealed class OneDecisionSweepTests
{
    private const string ServerName = "bybit-simulator";

    private static readonly string s_samples = Path.Combine(RepositoryRoot(), "samples", "bybit");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryBybitToolAndSampleCall_ExplainTestAndLiveGuard_DecideTheSame(bool policyNamesCatalogue)
    {
        using var temp = new TempDirectory();
        var policyPath = await PolicyAsync(temp, policyNamesCatalogue);
        var policy = PolicyLoader.LoadFile(policyPath).Policy!;
        var calls = Calls();
        Assert.True(calls.Count > 36 + 30, $"only {calls.Count} calls to sweep");

        var tested = await TestAsync(temp, policyPath, calls);
        var listed = calls.Take(36).Select(c => c.Tool).ToHashSet(StringComparer.Ordinal);
        var differences = new List<string>();
        for (var index = 0; index < calls.Count; index++)
        {
            var (tool, arguments) = calls[index];
            var explained = await ExplainAsync(policyPath, tool, arguments);
            var live = await LiveAsync(policy, tool, arguments);
            if (!listed.Contains(tool))
            {
                // Not a Bybit tool: a live guard answers "Unknown tool"; explain and test take every name as
                // listed, since they have no server (docs/testing.md#what-the-runner-knows-and-what-it-cannot).
                Assert.Equal("unknown_tool", live);
                continue;
            }

            if (explained != tested[index] || live != tested[index])
            {
                differences.Add($"{tool} {arguments}: explain {explained} | test {tested[index]} | live {live}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.Contains(tested, d => d.StartsWith("require_approval by tools.set_*", StringComparison.Ordinal));
        Assert.Contains(tested, d => d.StartsWith("hidden by hide", StringComparison.Ordinal));
        Assert.Contains(tested, d => d.StartsWith("allow by risk.read", StringComparison.Ordinal));
    }

    /// <summary>The sample policy (with its lock file), or the same without the catalogue line.</summary>
    private static async Task<string> PolicyAsync(TempDirectory temp, bool namesCatalogue)
    {
        File.Copy(Path.Combine(s_samples, "bybit.lock.json"), temp.File("bybit.lock.json"));
        var text = await File.ReadAllTextAsync(Path.Combine(s_samples, "policy.yaml"), Ct);
        const string Line = "  catalogue: bybit";
        Assert.Contains(Line, text, StringComparison.Ordinal);
        if (!namesCatalogue)
        {
            text = string.Join('\n', text.Split('\n').Where(l => !l.StartsWith(Line, StringComparison.Ordinal)));
        }

        var path = temp.File("policy.yaml");
        await File.WriteAllTextAsync(path, text, Ct);
        return path;
    }

    /// <summary>Every tool with no arguments, then every call of the sample's cases with its arguments.</summary>
    private static List<(string Tool, string Arguments)> Calls()
    {
        using var tools = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_samples, "bybit-tools.json")));
        var calls = tools.RootElement.GetProperty("tools").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, "{}")).ToList();
        Assert.Equal(36, calls.Count);
        var cases = CasesLoader.LoadFile(Path.Combine(s_samples, "policy.cases.yaml"));
        Assert.True(cases.Succeeded);
        calls.AddRange(cases.Cases.SelectMany(c => c.Steps).OfType<CallStep>()
            .Select(s => (s.Tool, s.Arguments.ValueKind == JsonValueKind.Object ? s.Arguments.GetRawText() : "{}")));
        return calls;
    }

    /// <summary><c>mcpguard test --json --server-name</c> on one case per call: the decision of each.</summary>
    private static async Task<List<string>> TestAsync(
        TempDirectory temp, string policyPath, List<(string Tool, string Arguments)> calls)
    {
        var cases = new StringBuilder("cases:\n");
        foreach (var (tool, arguments) in calls)
        {
            cases.Append(
                $"  - {{ name: \"{tool} {cases.Length}\", call: {tool}, args: {arguments}, expect: allow }}\n");
        }

        var path = temp.File("sweep.cases.yaml");
        await File.WriteAllTextAsync(path, cases.ToString(), Ct);
        var (_, output, error) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", policyPath, "--json", "--server-name", ServerName, path);
        Assert.Equal("", error);
        using var report = JsonDocument.Parse(output);
        return
        [
            .. report.RootElement.GetProperty("cases").EnumerateArray().Select(c => Summary(
                c.GetProperty("decision").GetString()!, c.GetProperty("rule").GetString())),
        ];
    }

    /// <summary><c>mcpguard explain --server-name</c>: its last line, "decision: ...".</summary>
    private static async Task<string> ExplainAsync(string policyPath, string tool, string arguments)
    {
        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ExplainCommand.Create(), "--policy", policyPath, "--tool", tool, "--args", arguments, "--server-name",
            ServerName);
        Assert.True(exitCode == 0, error);
        var line = output.Split('\n').Single(l => l.StartsWith("decision: ", StringComparison.Ordinal));
        var words = line["decision: ".Length..].TrimEnd('\r').Split(' ');
        return Summary(words[0], words[2].TrimEnd(':'));
    }

    /// <summary>
    /// A live guard session with fresh counters: the server calls itself bybit-simulator and lists the 36 tools, the
    /// client lists them and makes the call; a person asked refuses. The decision is the call's first audit record.
    /// </summary>
    private static async Task<string> LiveAsync(CompiledPolicy policy, string tool, string arguments)
    {
        var client = new RecordingPeer();
        var server = new RecordingPeer();
        var audit = new RecordingAuditLog();
        var engine = new PolicyEngine(policy);
        var session = InMemorySession.Start(engine, client, server, audit, new RefusingApprover(), "bybit");

        await session.FromClientAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await server.NextAsync();
        await session.FromServerAsync(
            """{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":"""
                + """{"tools":{}},"serverInfo":{"name":""" + "\"" + ServerName + "\",\"version\":\"1\"}}}");
        await client.NextAsync();
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await server.NextAsync();
        var tools = JsonSerializer.Serialize(
            JsonDocument.Parse(File.ReadAllText(Path.Combine(s_samples, "bybit-tools.json"))).RootElement);
        await session.FromServerAsync("""{"jsonrpc":"2.0","id":1,"result":""" + tools + "}");
        await client.NextAsync();

        await session.FromClientAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"""
                + $"\"{tool}\",\"arguments\":{arguments}}}}}");
        await Task.WhenAny(client.NextAsync(), server.NextAsync());
        var record = audit.Decisions.First();
        await session.EndAsync("test over");
        return record.Decision == CallVerdict.UnknownTool
            ? DecisionWords.Audit(record.Decision)
            : Summary(DecisionWords.Audit(record.Decision), record.RuleId, fromAudit: true);
    }

    /// <summary>
    /// "word by rule", through the one place words live: the audit's own word is read back as audit, test's as
    /// test's. A tool the policy hides is recorded without a rule (reasons differ in wording only there).
    /// </summary>
    private static string Summary(string word, string? rule, bool fromAudit = false)
    {
        var known = fromAudit
            ? DecisionWords.TryParseAudit(word, out var verdict)
            : DecisionWords.TryParseProven(word, out verdict);
        Assert.True(known, word);
        return $"{DecisionWords.ProvenWord(verdict)} by {rule ?? RuleId.Hide}";
    }

    private sealed class RefusingApprover : IApprover
    {
        public Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(ApprovalOutcome.Refuse("no person in this test."));
    }
}

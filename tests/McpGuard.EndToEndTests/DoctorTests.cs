using System.Text.Json.Nodes;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// <c>mcpguard doctor</c> in a fresh HOME: on a healthy setup (Claude Desktop's config wrapped by wrap, a valid
/// policy, a desk and a guard running) it finds no problem; on a broken one (a wrapped policy that does not load,
/// a guard path that is gone) it names each problem with what to do, and exits 1.
/// </summary>
public sealed class DoctorTests
{
    /// <summary>
    /// <c>MCPGUARD_HOME=~/…</c> in a client's <c>env</c> (no shell expands it): the guard's files go under the user's
    /// home, not under a folder named <c>~</c> in whatever folder the client starts the guard from; and a relative
    /// MCPGUARD_HOME, which each guard would resolve against its own working folder, is a problem for doctor.
    /// </summary>
    [Fact]
    public async Task McpGuardHome_WithTilde_IsUnderTheUsersHomeAndARelativeOneIsAProblem()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-tilde-").FullName;
        var started = Directory.CreateTempSubdirectory("mcpguard-client-folder-").FullName;
        var policy = Path.Combine(home, "p.yaml");
        File.WriteAllText(
            policy, "version: 1\ndefault: deny\ntools:\n  t:\n    action: allow\n    rate_limit: 5/minute\n");

        var (code, output, error) = await GuardCommand.RunInHomeAsync(
            home, started, new Dictionary<string, string?> { ["MCPGUARD_HOME"] = "~/guard-home" },
            "limits", "--policy", policy);
        var (doctorCode, doctorOutput, _) = await GuardCommand.RunInHomeAsync(
            home, started, new Dictionary<string, string?> { ["MCPGUARD_HOME"] = "guard-home" }, "doctor");

        Assert.True(code == 0, output + error);
        Assert.Contains($"the SQLite store at {Path.Combine(home, "guard-home", "state.db")}", output);
        Assert.False(Directory.Exists(Path.Combine(started, "~")), "a folder named ~ was made where the guard ran");
        Assert.Equal(1, doctorCode);
        Assert.Contains("MCPGUARD_HOME (guard-home) is not an absolute path", doctorOutput);
    }

    [Fact]
    public async Task Doctor_HealthySetup_NoProblemsAndSeesDeskStoreAndGuard()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-doctor-").FullName;
        var guardHome = Path.Combine(home, ".mcpguard");
        var policy = Path.Combine(home, "everything.yaml");
        File.WriteAllText(policy, "version: 1\ndefault: allow\n");
        WriteClaudeConfig(home, new JsonObject
        {
            ["everything"] = new JsonObject
            {
                ["command"] = "node",
                ["args"] = new JsonArray(RepoPaths.ServerEverything, "stdio")
            },
        });
        var (wrapped, _, wrapError) = await GuardCommand.RunInHomeAsync(home, "wrap", "--policy", policy);
        Assert.True(wrapped == 0, wrapError);
        await using var desk = await DeskProcess.StartAsync(guardHome);
        await using var guard = await GuardedServer.StartAsync(
            "version: 1\ndefault: allow\n", GuardedServer.Everything(), guardOptions: ["--name", "everything"],
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = guardHome });

        var (code, output, error) = await GuardCommand.RunInHomeAsync(home, "doctor");

        Assert.True(code == 0, output + error);
        Assert.Contains("No problems found.", output);
        Assert.Contains($"everything: wrapped, policy {policy} (valid)", output);
        Assert.Contains("desk: something answers on 127.0.0.1:" + desk.Port, output);
        Assert.Matches(
            $"ok +store: {System.Text.RegularExpressions.Regex.Escape(policy)}: "
                + "the SQLite (store at .* answers|file .* does not exist yet)",
            output);
        Assert.Contains("guards: 1 running now for this home", output);
        Assert.DoesNotContain("PROBLEM", output);
    }

    [Fact]
    public async Task Doctor_BrokenSetup_NamesEachProblemAndExitsOne()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-doctor-").FullName;
        var policy = Path.Combine(home, "bad.yaml");
        File.WriteAllText(policy, "version: 1\ndefault: allow\ntools:\n  echo: maybe\n");
        var good = Path.Combine(home, "good.yaml");
        File.WriteAllText(good, "version: 1\ndefault: allow\n");
        var guard = RepoPaths.Guard;
        WriteClaudeConfig(home, new JsonObject
        {
            ["bad-policy"] = new JsonObject
            {
                ["command"] = guard.Command,
                ["args"] = new JsonArray(
                    [.. guard.Prefix.Concat(["run", "--policy", policy, "--", "node", "server.js"])
                        .Select(a => JsonValue.Create(a))]),
            },
            ["guard-gone"] = new JsonObject
            {
                ["command"] = "/nowhere/bin/mcpguard",
                ["args"] = new JsonArray("run", "--policy", policy, "--", "node", "server.js"),
            },
            ["server-gone"] = new JsonObject
            {
                ["command"] = guard.Command,
                ["args"] = new JsonArray(
                    [.. guard.Prefix.Concat(["run", "--policy", good, "--", "/nowhere/bin/server"])
                        .Select(a => JsonValue.Create(a))]),
            },
        });

        var (code, output, _) = await GuardCommand.RunInHomeAsync(home, "doctor");

        Assert.Equal(1, code);
        Assert.Contains($"PROBLEM    bad-policy: policy invalid, the guard exits at every start: {policy}:4:", output);
        Assert.Contains($"see: mcpguard check --policy {policy}", output);
        Assert.Contains("PROBLEM    guard-gone: the guard /nowhere/bin/mcpguard does not exist", output);
        Assert.Contains("PROBLEM    server-gone: wrapped with policy " + good
            + ", but its server command '/nowhere/bin/server' does not exist", output);
        Assert.Contains("3 problems found.", output);
    }

    private static void WriteClaudeConfig(string home, JsonObject servers)
    {
        var folder = Path.Combine(home, ".config", "Claude");
        Directory.CreateDirectory(folder);
        File.WriteAllText(
            Path.Combine(folder, "claude_desktop_config.json"),
            new JsonObject { ["mcpServers"] = servers }.ToJsonString());
    }
}

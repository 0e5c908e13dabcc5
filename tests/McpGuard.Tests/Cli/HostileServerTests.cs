using System.Text;
using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Tools;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

/// <summary>
/// The rule for every command that prints or writes a server's text: names and descriptions with ESC, BEL,
/// CR/LF, U+202E and YAML syntax reach a terminal only made inert and a policy file never as YAML; and a
/// server that answers with something unreadable costs one line on stderr, never a stack trace.
/// </summary>
public sealed class HostileServerTests
{
    /// <summary>The name that used to continue the starter policy's <c>risk:</c> mapping out of a comment.</summary>
    private const string InjectingName = "get_x\n  classes: { withdraw_all: read }\n#";

    private static readonly string[] s_hostileNames =
    [
        InjectingName,
        "withdraw_all",
        "get_\u001b]0;pwned\u0007ticker\u001b[2J",
        "get_\u202Etxt.exe",
        "set_mode\r\nversion: 2",
        "list: [a, b] # &x *y !!str",
        "place_order\u200B",
        "get_\U000E0041\U000E0042tag\u00AD",
    ];

    private const string Policy = """
        version: 1
        default: deny
        risk: { read: allow, write: require_approval, critical: hide }
        tools:
          "get_*":
            rate_limit: 5/minute
            rules:
              - when: { symbol: { eq: BTCUSDT } }
                action: allow
        """;

    private static string HostileTools()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var name in s_hostileNames)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString(
                    "description", "Reads \u001b[31mred\u001b[0m\u0007 and \u202Edesrever\n  classes: { x: read }");
                writer.WritePropertyName("inputSchema");
                writer.WriteRawValue("""{"type":"object","properties":{"qty":{"type":"string"}}}""");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static TheoryData<string> Commands => ["tools", "tools --json", "check", "init", "explain"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommand_HostileServer_PrintsOnlyInertText(string commandLine)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("policy.yaml"), Policy, TestContext.Current.CancellationToken);
        await using var server = ScriptedServer.Listing(HostileTools(), serverName: "bybit\u001b[2J");
        var args = commandLine.Split(' ');
        var (exitCode, output, error) = args[0] switch
        {
            "tools" => await CommandRunner.RunAsync(
                ToolsCommand.Create(server.Connector),
                [.. args[1..], "--policy", temp.File("policy.yaml"), "--", "hostile-server"]),
            "check" => await CommandRunner.RunAsync(
                CheckCommand.Create(server.Connector), "--policy", temp.File("policy.yaml"), "--", "hostile-server"),
            "init" => await CommandRunner.RunAsync(InitCommand.Create(server.Connector), "--", "hostile-server"),
            _ => await CommandRunner.RunAsync(
                ExplainCommand.Create(), "--policy", temp.File("policy.yaml"), "--tool",
                s_hostileNames[2] + s_hostileNames[3] + s_hostileNames[4]),
        };

        Assert.True(exitCode is 0 or 2, $"exit {exitCode}: {error}");
        AssertInert(output);
        AssertInert(error);
    }

    [Fact]
    public async Task Tools_HostileToolName_IsPrintedInert()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("policy.yaml"), Policy, TestContext.Current.CancellationToken);
        await using var server = ScriptedServer.Listing(HostileTools());

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ToolsCommand.Create(server.Connector), "--policy", temp.File("policy.yaml"), "--", "hostile-server");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        AssertInert(output);
        Assert.Contains("get_\\u001B]0;pwned\\u0007ticker\\u001B[2J", output);
        Assert.Contains("get_\\u202Etxt.exe", output);
        Assert.Contains("place_order\\u200B ", output);
        Assert.Contains("get_\\uDB40\\uDC41\\uDB40\\uDC42tag\\u00AD", output);
        Assert.Contains("8 tools on the server", output);
    }

    [Fact]
    public async Task Init_HostileToolName_CannotChangeThePolicy()
    {
        await using var server = ScriptedServer.Listing(HostileTools());

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--", "hostile-server");

        Assert.Equal(0, exitCode);
        var loaded = PolicyLoader.LoadText(output, "starter.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Empty(loaded.Policy.RiskOverrides);
        Assert.Empty(loaded.Policy.Entries);
        Assert.Equal(
            ToolEffect.Hidden, new PolicyEngine(loaded.Policy).Describe("withdraw_all", null, serverName: null).Effect);
        Assert.DoesNotContain("classes", output, StringComparison.Ordinal);
        Assert.Contains("withdraw_all", output, StringComparison.Ordinal);
        Assert.Contains("get_x\\u000A  classes", error, StringComparison.Ordinal);
        AssertInert(error);
    }

    public static TheoryData<string, string, string?> MalformedAnswers => new()
    {
        { "tools", "tools/list", """{"tools":"not a list"}""" },
        { "check", "tools/list", """{"tools":[{"name":7}]}""" },
        { "init", "tools/list", """{"tools":[{"name":"x","inputSchema":"nope"}],"nextCursor":5}""" },
        { "tools", "server/discover", "\"not an object\"" },
        { "init", "server/discover", """{"supportedVersions":{"x":1},"capabilities":7}""" },
        { "check", "initialize", """{"protocolVersion":["2025-06-18"],"serverInfo":3}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public async Task InspectionCommand_MalformedAnswer_IsOneLineWithoutStackTrace(
        string command, string method, string? result)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("policy.yaml"), Policy, TestContext.Current.CancellationToken);
        // server/discover is only asked when initialize is refused (a 2026-07-28-only server).
        await using var server = new ScriptedServer(m => m == method ? result : m switch
        {
            "initialize" when method == "server/discover" => null,
            "initialize" => """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}}"""
                + ""","serverInfo":{"name":"odd","version":"1"}}""",
            "tools/list" => """{"tools":[]}""",
            _ => null,
        });

        var (exitCode, _, error) = command switch
        {
            "tools" => await CommandRunner.RunAsync(
                ToolsCommand.Create(server.Connector), "--policy", temp.File("policy.yaml"), "--", "odd-server"),
            "check" => await CommandRunner.RunAsync(
                CheckCommand.Create(server.Connector), "--policy", temp.File("policy.yaml"), "--", "odd-server"),
            _ => await CommandRunner.RunAsync(InitCommand.Create(server.Connector), "--", "odd-server"),
        };

        Assert.Equal(ExitCodes.Failure, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mcpguard: cannot list the tools of 'odd-server': ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectionCommand_MalformedAnswerWithVerbose_PrintsTheExceptionInert()
    {
        await using var server = new ScriptedServer(m => m switch
        {
            "initialize" => """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}}"""
                + ""","serverInfo":{"name":"odd","version":"1"}}""",
            "tools/list" => """{"tools":"not a list"}""",
            _ => null,
        });

        var (exitCode, _, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--verbose", "--", "odd-server");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains(" at ", error, StringComparison.Ordinal);
        AssertInert(error);
    }

    /// <summary>
    /// No control character but the newline, no bidi override, isolate or line separator, and nothing invisible:
    /// no format character (zero-width, bidi marks, soft hyphen, Unicode tags) and no surrogate (tags are pairs).
    /// </summary>
    private static void AssertInert(string text)
    {
        foreach (var c in text)
        {
            var unsafeChar = (char.IsControl(c) && c != '\n')
                || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u2028' or '\u2029'
                || char.IsSurrogate(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
            Assert.False(unsafeChar, $"raw U+{(int)c:X4} in: {TerminalText.Printable(text)}");
        }
    }
}

using McpGuard.EndToEndTests.TestUtils;
using static McpGuard.EndToEndTests.TestUtils.ModernRequest;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>Mcp-Param-*</c> (2026-07-28): the TypeScript SDK v2 server declares <c>region</c> of regional_echo as
/// <c>x-mcp-header: Region</c> and refuses a call whose <c>Mcp-Param-Region</c> header is missing or differs from the
/// body (400, -32020). Through <c>run --url</c> a modern client's call carries the header, derived from the judged
/// body (plain, or base64 for a value that is not plain ASCII), and runs.
/// </summary>
public sealed class ParamHeaderTests
{
    private const string Policy = """
        version: 1
        default: allow
        state: { store: memory }
        """;

    [Fact]
    public async Task ModernCall_CarriesTheDeclaredParamHeader_AndTheServerRunsIt()
    {
        await using var upstream = await NodeHttpServer.StartAsync(
            RepoPaths.NpmScriptPath("v2/http-server.mjs"), "--header-tool");
        var home = new Dictionary<string, string> { ["MCPGUARD_HOME"] = DeskProcess.NewHome() };
        await using var guard = RawGuard.Start(Policy, [], ["--url", upstream.Url], home);

        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{""" + Meta + "}}");
        await guard.ResponseAsync("1");
        await guard.SendAsync(Call(2, "eu-west"));
        var plain = await guard.ResponseAsync("2");
        await guard.SendAsync(Call(3, "Zürich"));
        var encoded = await guard.ResponseAsync("3");

        Assert.Equal("eu-west: hi", Text(plain));
        Assert.Equal("Zürich: hi", Text(encoded));
        var calls = upstream.Requests.Where(r => r.GetProperty("headers").TryGetProperty("mcp-name", out var name)
            && name.GetString() == "regional_echo").ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("eu-west", calls[0].GetProperty("headers").GetProperty("mcp-param-region").GetString());
        var encodedHeader = calls[1].GetProperty("headers").GetProperty("mcp-param-region").GetString();
        Assert.Equal("=?base64?WsO8cmljaA==?=", encodedHeader);
    }

    private static string Call(int id, string region) =>
        $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"regional_echo","arguments":"""
        + $$"""{"region":"{{region}}","text":"hi"},""" + Meta + "}}";

    private static string? Text(System.Text.Json.JsonElement answer) => answer.TryGetProperty("result", out var result)
        ? result.GetProperty("content")[0].GetProperty("text").GetString()
        : answer.ToString();
}

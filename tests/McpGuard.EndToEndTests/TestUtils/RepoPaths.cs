namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Where the built tool, the test servers and the npm peers are, found from this test assembly's folder.
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: whatever this test assembly was built as, so the tool matches it.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string GuardDll => Built("src/McpGuard", "mcpguard.dll");

    /// <summary>
    /// How the tests start the guard: <c>dotnet mcpguard.dll</c> from this build, or the binary that
    /// <c>MCPGUARD_E2E_GUARD</c> names (<c>.ci/run</c> sets it to the published Native AOT build, so the shipped
    /// build is the tested one).
    /// </summary>
    public static (string Command, IReadOnlyList<string> Prefix) Guard
    {
        get
        {
            var native = Environment.GetEnvironmentVariable(GuardVariable);
            if (string.IsNullOrEmpty(native))
            {
                return ("dotnet", [GuardDll]);
            }

            return File.Exists(native)
                ? (Path.GetFullPath(native), [])
                : throw new FileNotFoundException($"{GuardVariable} names no file.", native);
        }
    }

    public const string GuardVariable = "MCPGUARD_E2E_GUARD";

    public static string BybitSimulatorDll => Built("samples/bybit/simulator", "McpGuard.BybitSimulator.dll");

    public static string BybitDemoDll => Built("samples/bybit/demo", "McpGuard.BybitDemo.dll");

    /// <summary>The raw-line test server (tests/McpGuard.RawServer): <c>RECORD_FILE CONFIG_JSON</c>.</summary>
    public static string RawServerDll => Built("tests/McpGuard.RawServer", "McpGuard.RawServer.dll");

    public static string BybitPolicy => Path.Combine(Root, "samples/bybit/policy.yaml");

    /// <summary>The real Bybit server's tools/list result, which the simulator lists byte for byte.</summary>
    public static string BybitTools => Path.Combine(Root, "samples/bybit/bybit-tools.json");

    /// <summary>server-everything from npm; <c>.ci/run</c> installs it with <c>npm ci --prefix tests/npm</c>.</summary>
    public static string ServerEverything
    {
        get
        {
            var path = Path.Combine(
                Root, "tests/npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException(
                    $"server-everything is not installed; run: npm ci --prefix {Path.Combine(Root, "tests/npm")}",
                    path);
        }
    }

    /// <summary>The TypeScript SDK v2 test server (tests/npm/v2/server.mjs; serves both protocol eras).</summary>
    public static string V2Server => NpmScript("v2/server.mjs");

    /// <summary>The TypeScript SDK v2 test client (tests/npm/v2/client.mjs), driven by a scenario argument.</summary>
    public static string V2Client => NpmScript("v2/client.mjs");

    /// <summary>A script under tests/npm (the TypeScript SDK v2 must be installed there).</summary>
    public static string NpmScriptPath(string relative) => NpmScript(relative);

    private static string NpmScript(string relative)
    {
        var npm = Path.Combine(Root, "tests/npm");
        return Directory.Exists(Path.Combine(npm, "node_modules/@modelcontextprotocol/server"))
            ? Path.Combine(npm, relative)
            : throw new FileNotFoundException(
                $"The TypeScript SDK v2 is not installed; run: npm ci --prefix {npm}", relative);
    }

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Build {project} first ({Configuration}).", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find McpGuard.sln above " + AppContext.BaseDirectory);
    }
}

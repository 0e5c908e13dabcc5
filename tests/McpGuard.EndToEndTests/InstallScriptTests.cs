using System.Runtime.InteropServices;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// The README's one install command, in a fresh HOME: <c>./install.sh</c> installs the native tool under
/// <c>~/.mcpguard</c> (made 0700 even when something else created it 0755), puts <c>mcpguard</c> on PATH through
/// <c>~/.local/bin</c> when that is on PATH, and otherwise prints the one line that does; nothing is left in the clone.
/// </summary>
public sealed class InstallScriptTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task InstallScript_FreshHome_McpguardRunsFromPath(bool localBinOnPath)
    {
        Assert.SkipUnless(
            OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64,
            "The native package built here is linux-x64; other runtime "
                + "identifiers are built on their own release machines.");
        var home = Directory.CreateTempSubdirectory("mcpguard-home-");
        try
        {
            var feed = await ToolFeed.GetAsync();
            var localBin = Path.Combine(home.FullName, ".local", "bin");
            if (localBinOnPath)
            {
                Directory.CreateDirectory(localBin);
            }

            // What a `mkdir ~/.mcpguard` or an older install leaves: readable by everyone.
            var guardHome = Path.Combine(home.FullName, ".mcpguard");
            Directory.CreateDirectory(guardHome);
            File.SetUnixFileMode(guardHome, (UnixFileMode)Convert.ToInt32("755", 8));
            var environment = new Dictionary<string, string?>
            {
                ["HOME"] = home.FullName,
                ["PATH"] = (localBinOnPath ? localBin + ":" : "") + Path.GetDirectoryName(DotnetPath())
                    + ":/usr/bin:/bin",
                ["MCPGUARD_HOME"] = null,
                ["MCPGUARD_FEED"] = null,
                ["NUGET_PACKAGES"] = null,
            };
            var rootBefore = Directory.GetFileSystemEntries(RepoPaths.Root).Order().ToList();

            var report = await ToolFeed.RunAsync(
                environment, "bash", Path.Combine(RepoPaths.Root, "install.sh"), "--feed", feed);

            var pathLine = $"export PATH=\"{guardHome}/bin:$PATH\"";
            string check;
            if (localBinOnPath)
            {
                Assert.DoesNotContain("export PATH", report, StringComparison.Ordinal);
                check = "command -v mcpguard && mcpguard --version";
            }
            else
            {
                Assert.Contains(pathLine, report, StringComparison.Ordinal);
                check = pathLine + "; command -v mcpguard && mcpguard --version";
            }

            var found = await ToolFeed.RunAsync(environment, "bash", "-c", check);
            var lines = found.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(
                localBinOnPath ? Path.Combine(localBin, "mcpguard") : Path.Combine(guardHome, "bin", "mcpguard"),
                lines[0]);
            Assert.StartsWith("0.", lines[1], StringComparison.Ordinal);
            Assert.Contains(
                "/mcpguard.linux-x64/", new FileInfo(lines[0]).ResolveLinkTarget(returnFinalTarget: true)!.FullName,
                StringComparison.Ordinal);
            Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(guardHome));
            Assert.Equal(rootBefore, Directory.GetFileSystemEntries(RepoPaths.Root).Order().ToList());
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A <c>--feed</c> folder that does not exist is one line of the script's own and exit 2, before anything is made;
    /// it used to be bash's "install.sh: line 65: cd: /x: No such file or directory" (exit 1), after the home was
    /// set up.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task InstallScript_FeedThatDoesNotExist_OneLineExit2NothingMade()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-home-");
        try
        {
            var missing = Path.Combine(home.FullName, "no-feed");
            var start = new System.Diagnostics.ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "install.sh"));
            start.ArgumentList.Add("--feed");
            start.ArgumentList.Add(missing);
            start.Environment["HOME"] = home.FullName;
            start.Environment["MCPGUARD_HOME"] = null;
            start.Environment["MCPGUARD_FEED"] = null;
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken)
                .WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

            Assert.Equal(2, process.ExitCode);
            Assert.Equal("", await output);
            Assert.Equal(
                $"install.sh: --feed {missing}: no such folder (pack into it first: docs/install.md)\n", await error);
            Assert.False(Directory.Exists(Path.Combine(home.FullName, ".mcpguard")));
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static string DotnetPath()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(dotnet) && File.Exists(dotnet))
        {
            return dotnet;
        }

        return Environment.GetEnvironmentVariable("PATH")!.Split(':')
            .Select(dir => Path.Combine(dir, "dotnet")).First(File.Exists);
    }
}

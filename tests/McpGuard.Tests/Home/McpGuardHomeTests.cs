using McpGuard.Home;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Home;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class McpGuardHomeTests
{
    private const UnixFileMode UserOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Theory]
    [InlineData(null, "/home/u/.mcpguard")]
    [InlineData("", "/home/u/.mcpguard")]
    [InlineData("~", "/home/u")]
    [InlineData("~/guard", "/home/u/guard")]
    [InlineData("/srv/guard", "/srv/guard")]
    [InlineData("~other/guard", "~other/guard")]
    [InlineData("guard", "guard")]
    public void Resolve_TildeIsTheUsersHome(string? variable, string expected)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix paths.");

        Assert.Equal(expected, McpGuardHome.Resolve(variable, "/home/u"));
    }

    [Fact]
    public void EnsureHome_Missing_CreatedUserOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        using var temp = new TempDirectory();
        var home = Path.Combine(temp.Path, ".mcpguard");

        McpGuardHome.EnsureHome(home);

        Assert.Equal(UserOnly, File.GetUnixFileMode(home));
    }

    [Fact]
    public void EnsureHome_CreatedWorldReadableByAnotherTool_TightenedTo0700()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        using var temp = new TempDirectory();
        var home = Path.Combine(temp.Path, ".mcpguard");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(
            home,
            UserOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead
            | UnixFileMode.OtherExecute);

        McpGuardHome.EnsureHome(home);

        Assert.Equal(UserOnly, File.GetUnixFileMode(home));
    }

    [Fact]
    public void EnsureDirectoryOf_OtherFolder_CreatedUserOnlyButAnExistingOneLeftAlone()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        using var temp = new TempDirectory();
        var fresh = Path.Combine(temp.Path, "logs", "audit.jsonl");
        var shared = Path.Combine(temp.Path, "shared");
        Directory.CreateDirectory(shared);
        var sharedMode = UserOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(shared, sharedMode);

        McpGuardHome.EnsureDirectoryOf(fresh);
        McpGuardHome.EnsureDirectoryOf(Path.Combine(shared, "state.db"));

        Assert.Equal(UserOnly, File.GetUnixFileMode(Path.GetDirectoryName(fresh)!));
        Assert.Equal(sharedMode, File.GetUnixFileMode(shared));
    }

    [Fact]
    public void EnsureDirectoryOf_FolderInAMissingHome_EveryNewFolderUserOnly()
    {
        // A first `mcpguard login` creates $MCPGUARD_HOME/tokens: the home it makes on the way is 0700 too, not
        // the umask's 0755 (docs/remote.md: "mode 0600, in the 0700 home").
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        using var temp = new TempDirectory();
        var home = Path.Combine(temp.Path, "home");

        McpGuardHome.EnsureDirectoryOf(Path.Combine(home, "tokens", "issuer-0123456789abcdef.json"));

        Assert.Equal(UserOnly, File.GetUnixFileMode(home));
        Assert.Equal(UserOnly, File.GetUnixFileMode(Path.Combine(home, "tokens")));
    }
}

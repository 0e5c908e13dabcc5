using McpGuard.Doctor;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Doctor;

public sealed class SetupChecksHomeTests
{
    [Theory]
    [InlineData("file")]
    [InlineData("file/home")]
    public async Task Home_AFileInTheWay_IsAProblemNotAHomeToBeCreated(string relative)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("file"), "", TestContext.Current.CancellationToken);
        var home = temp.File(relative);

        var finding = SetupChecks.Home(home);

        Assert.Equal(DoctorLevel.Problem, finding.Level);
        Assert.Equal(
            $"{home} cannot be created: {temp.File("file")} is a file, not a folder "
                + "(limits, the desk and the audit log all need it); move the file or set MCPGUARD_HOME",
            finding.Text);
    }

    [Fact]
    public void Home_Relative_IsAProblem()
    {
        var finding = SetupChecks.Home("guard-home");

        Assert.Equal(DoctorLevel.Problem, finding.Level);
        Assert.StartsWith(
            "MCPGUARD_HOME (guard-home) is not an absolute path: ", finding.Text, StringComparison.Ordinal);
    }

    // XDG_CONFIG_HOME=.config (relative) made wrap and doctor look for Claude Desktop's config under whatever folder
    // they ran in. The XDG Base Directory specification says a relative value is to be ignored; doctor says so.
    [Fact]
    public void RelativeConfigHome_IsIgnoredAndDoctorSaysWhereConfigsAreLookedFor()
    {
        Func<string, string?> environment = name => name is "XDG_CONFIG_HOME" or "APPDATA" ? "my-config" : null;

        var finding = SetupChecks.RelativeConfigHome(environment, "/home/me");

        Assert.NotNull(finding);
        Assert.Equal(DoctorLevel.Note, finding.Level);
        Assert.Contains(
            "(my-config) is not an absolute path, so it is ignored", finding.Text, StringComparison.Ordinal);
        Assert.Contains("client configs are looked for under /home/me/", finding.Text, StringComparison.Ordinal);
        Assert.Null(SetupChecks.RelativeConfigHome(name => name == "XDG_CONFIG_HOME" ? "/x" : null, "/home/me"));
        Assert.Null(SetupChecks.RelativeConfigHome(_ => null, "/home/me"));
    }

    [Fact]
    public void Home_NotCreatedYet_IsANote()
    {
        using var temp = new TempDirectory();
        var home = temp.File("a/b");

        var finding = SetupChecks.Home(home);

        Assert.Equal(DoctorLevel.Note, finding.Level);
        Assert.EndsWith(
            "does not exist yet (the first desk or guard creates it)", finding.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/mcpguard-home", "does not exist")]
    [InlineData("relative/home", "is not an absolute path")]
    public void UserHome_ThatIsNoFolder_IsAProblemNamingHome(string home, string why)
    {
        var finding = SetupChecks.UserHomeProblem(home, home);

        Assert.NotNull(finding);
        Assert.Equal((DoctorLevel.Problem, "HOME"), (finding.Level, finding.Subject));
        Assert.StartsWith($"HOME ({home}) {why}: ", finding.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void UserHome_AnExistingFolder_IsNoFinding()
    {
        using var temp = new TempDirectory();

        Assert.Null(SetupChecks.UserHomeProblem(temp.Path, temp.Path));
    }
}

using McpGuard.Stdio;

namespace McpGuard.Tests.Stdio;

/// <summary>
/// <c>wrap</c>, <c>doctor</c> and /readyz all find a server's command here, the way a start finds it: a file that
/// may not be executed is not a command, on PATH or by path.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CommandLookupTests : IDisposable
{
    private readonly DirectoryInfo _first = Directory.CreateTempSubdirectory("mcpguard-lookup-a-");
    private readonly DirectoryInfo _second = Directory.CreateTempSubdirectory("mcpguard-lookup-b-");

    [Fact]
    public void A_bare_name_is_the_first_executable_of_that_name_on_PATH()
    {
        var skipped = Write(_first, "server", executable: false);
        var found = Write(_second, "server", executable: true);

        var location = CommandLookup.Locate("server", _first.FullName + Path.PathSeparator + _second.FullName);

        Assert.NotEqual(skipped, Assert.IsType<CommandLocation.Found>(location).File);
        Assert.Equal(found, ((CommandLocation.Found)location).File);
    }

    [Fact]
    public void A_bare_name_with_no_executable_on_PATH_is_not_found()
    {
        Write(_first, "server", executable: false);

        Assert.IsType<CommandLocation.NotOnPath>(CommandLookup.Locate("server", _first.FullName));
        Assert.False(CommandLookup.IsFound("server", _first.FullName));
        Assert.IsType<CommandLocation.NotOnPath>(CommandLookup.Locate("server", null));
    }

    [Fact]
    public void A_path_must_exist_and_be_executable()
    {
        var plain = Write(_first, "plain", executable: false);
        var runnable = Write(_first, "runnable", executable: true);

        Assert.IsType<CommandLocation.Missing>(CommandLookup.Locate(Path.Combine(_first.FullName, "absent"), null));
        Assert.IsType<CommandLocation.NotExecutable>(CommandLookup.Locate(plain, null));
        Assert.Equal(runnable, Assert.IsType<CommandLocation.Found>(CommandLookup.Locate(runnable, null)).File);
    }

    public void Dispose()
    {
        _first.Delete(recursive: true);
        _second.Delete(recursive: true);
    }

    private static string Write(DirectoryInfo directory, string name, bool executable)
    {
        var file = Path.Combine(directory.FullName, name);
        File.WriteAllText(file, "#!/bin/sh\n");
        File.SetUnixFileMode(file, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }
}

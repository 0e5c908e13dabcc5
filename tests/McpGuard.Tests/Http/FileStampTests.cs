using McpGuard.Http;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Http;

/// <summary>
/// agents.yaml's time and length as <see cref="AgentTokens"/> compares them: what <see cref="FileInfo"/> says, from one
/// status read (statx on Linux).
/// </summary>
public sealed class FileStampTests : IDisposable
{
    private readonly TempDirectory _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void File_TimeAndLengthAsFileInfoSaysThem()
    {
        var path = _home.File("agents.yaml");
        File.WriteAllText(path, "agents: []\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 12, 7, 7, 0, 0, DateTimeKind.Utc).AddTicks(1234567));

        var info = new FileInfo(path);
        Assert.Equal((info.LastWriteTimeUtc, info.Length), new FileStamp(path).Read());
    }

    [Fact]
    public void Written_TheNextReadSeesTheNewLength()
    {
        var path = _home.File("agents.yaml");
        File.WriteAllText(path, "agents: []\n");
        var stamp = new FileStamp(path);
        var before = stamp.Read();

        File.AppendAllText(path, "# more\n");

        Assert.Equal(before!.Value.Length + 7, stamp.Read()!.Value.Length);
    }

    [Fact]
    public void Missing_OrADirectory_Null()
    {
        Assert.Null(new FileStamp(_home.File("agents.yaml")).Read());
        Assert.Null(new FileStamp(_home.File("no/such/dir/agents.yaml")).Read());
        Assert.Null(new FileStamp(_home.Path).Read());
    }

    [Fact]
    public void SymbolicLink_TheTargetsTimeAndLength()
    {
        var target = _home.File("real.yaml");
        File.WriteAllText(target, "agents: []\n# the real one\n");
        var link = _home.File("agents.yaml");
        File.CreateSymbolicLink(link, target);

        var info = new FileInfo(target);
        Assert.Equal((info.LastWriteTimeUtc, info.Length), new FileStamp(link).Read());
    }
}

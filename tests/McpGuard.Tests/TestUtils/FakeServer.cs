using System.Text;
using System.Text.Json;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// The raw-line fake server (tests/McpGuard.RawServer, C#: no Node.js) as a child command line, and the file where it
/// records every line it received. Read <see cref="ReceivedLines"/> only after a request sent later has been answered:
/// the server handles lines in order, so that answer proves every earlier line was recorded.
/// </summary>
internal sealed class FakeServer : IDisposable
{
    private FakeServer(string recordPath, string config)
    {
        RecordPath = recordPath;
        CommandLine = ["dotnet", Path.Combine(AppContext.BaseDirectory, "McpGuard.RawServer.dll"), recordPath, config];
    }

    public string RecordPath { get; }

    public IReadOnlyList<string> CommandLine { get; }

    /// <param name="pages">Pages of tool names that tools/list returns (one page of "echo" by default).</param>
    /// <param name="holdToolsList">Hold tools/list answers until a <c>test/release</c> notification arrives.</param>
    /// <param name="announceHeldLists">Tell the client (<c>test/list-held</c>) each time a tools/list is held.</param>
    /// <param name="ignoreEof">Keep running after stdin ends (the guard must escalate to SIGTERM).</param>
    /// <param name="ignoreSigterm">Survive SIGTERM too (the guard must kill the tree).</param>
    /// <param name="failFirstToolsList">Answer the first tools/list with an error.</param>
    public static FakeServer Create(
        string[][]? pages = null,
        bool holdToolsList = false,
        int exitCodeOnEof = 0,
        bool announceHeldLists = false,
        bool ignoreEof = false,
        bool ignoreSigterm = false,
        bool failFirstToolsList = false)
    {
        var recordPath = Path.Combine(Path.GetTempPath(), $"mcpguard-fake-{Guid.NewGuid():n}.jsonl");
        File.WriteAllBytes(recordPath, []);
        var config = JsonSerializer.Serialize(new
        {
            pages = (pages ?? [["echo"]]).Select(
                page => page.Select(name => new { name, inputSchema = new { type = "object" } })),
            holdToolsList,
            exitCodeOnEof,
            announceHeldLists,
            ignoreEof,
            ignoreSigterm,
            failFirstToolsList,
        });
        return new FakeServer(recordPath, config);
    }

    /// <summary>Every line the server received so far, as raw bytes (lines over 1 MB as "sha256:HEX").</summary>
    public IReadOnlyList<byte[]> ReceivedLines()
    {
        var bytes = File.ReadAllBytes(RecordPath);
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        return lines;
    }

    /// <summary>Lets a server paused by <c>test/pause-stdin</c> read its stdin again.</summary>
    public void ResumeStdin() => File.WriteAllBytes(RecordPath + ".resume", []);

    public IReadOnlyList<string> ReceivedText() => [.. ReceivedLines().Select(Encoding.UTF8.GetString)];

    public void Dispose()
    {
        try
        {
            File.Delete(RecordPath);
            File.Delete(RecordPath + ".resume");
        }
        catch (IOException)
        {
            // Best effort: a temp file.
        }
    }
}

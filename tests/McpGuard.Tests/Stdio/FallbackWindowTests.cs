using System.Text;
using McpGuard.Stdio;

namespace McpGuard.Tests.Stdio;

/// <summary>What reaches a server restarted for a 2025 fallback before the client's initialize does.</summary>
public sealed class FallbackWindowTests
{
    private const string Meta = """{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}""";

    private const string Initialize =
        """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
            + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""";

    private static string Filter(FallbackWindow window, string bytes) =>
        Encoding.UTF8.GetString(window.Filter(Encoding.UTF8.GetBytes(bytes)).Span);

    private static List<string> Answers(FallbackWindow window)
    {
        var answers = new List<string>();
        while (window.Answers.TryRead(out var answer))
        {
            answers.Add(Encoding.UTF8.GetString(answer));
        }

        return answers;
    }

    /// <summary>
    /// Nothing but initialize reaches the new child: requests are answered in its place (a modern one "Method not
    /// found", a 2025 ping its empty result, any other 2025 request an error), notifications of either era dropped.
    /// </summary>
    [Fact]
    public void Filter_MessagesBeforeInitialize_RequestsAnsweredNotificationsDroppedInitializeAndRestPass()
    {
        var window = new FallbackWindow();
        window.Open();
        var listing = $$"""{"jsonrpc":"2.0","id":"mcpguard-1-1","method":"tools/list","params":{{Meta}}}""";
        var cancelled = $$"""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{{Meta}}}""";
        var legacyCancel = """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""";
        var ping = """{"jsonrpc":"2.0","id":5,"method":"ping"}""";
        var legacyList = """{"jsonrpc":"2.0","id":7,"method":"tools/list"}""";
        var afterwards = $$"""{"jsonrpc":"2.0","id":6,"method":"tools/list","params":{{Meta}}}""";

        var passed = Filter(
                window,
                string.Join("\n", listing, cancelled, legacyCancel, ping, legacyList, "") + Initialize[..20])
            + Filter(window, Initialize[20..] + "\n" + afterwards + "\n");

        Assert.Equal(Initialize + "\n" + afterwards + "\n", passed);
        Assert.False(window.IsOpen);
        Assert.Equal(
            [
                """{"jsonrpc":"2.0","id":"mcpguard-1-1","error":{"code":-32601,"message":"Method not found"}}""" + "\n",
                """{"jsonrpc":"2.0","id":5,"result":{}}""" + "\n",
                """{"jsonrpc":"2.0","id":7,"error":{"code":-32600,"message":"Server not initialized"}}""" + "\n",
            ],
            Answers(window));
        Assert.True(window.Answers.Completion.IsCompleted);
    }

    [Fact]
    public void Filter_Closed_PassesEverythingUnread()
    {
        var window = new FallbackWindow();
        var modern = $$"""{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{{Meta}}}""" + "\n";

        Assert.Equal(modern, Filter(window, modern));
        Assert.Empty(Answers(window));
    }

    [Fact]
    public void Filter_LineLongerThanItWatches_StopsWatchingAndPassesIt()
    {
        var window = new FallbackWindow();
        window.Open();
        var big = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":"""
            + "\"" + new string('a', 70 * 1024) + "\"}}}\n";

        var passed = Filter(window, big[..(66 * 1024)]) + Filter(window, big[(66 * 1024)..]);

        Assert.Equal(big, passed);
        Assert.False(window.IsOpen);
    }
}

using System.Text.Json;

namespace McpGuard.RawServer;

/// <summary>The <c>test/…</c> methods a relay test sends to steer the server, and the default answer.</summary>
internal static class RawServerTestMethods
{
    public static void Handle(RawServer server, string method, string? id, JsonElement parameters)
    {
        switch (method)
        {
            case "test/noise":
                server.Send("this is not JSON");
                server.Send("""{"jsonrpc":"2.0","method":"x"} trailing""");
                server.Send("[1,2,3]");
                server.Send("""{"unterminated":""");
                server.Send("""{"jsonrpc":"2.0","method":"test/noise-done"}""");
                return;
            case "test/list-changed":
                server.Send("""{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}""");
                return;
            case "test/set-pages":
                server.Pages.Clear();
                server.Pages.AddRange(
                    parameters.GetProperty("pages").EnumerateArray().Select(page => page.GetRawText()));
                return;
            case "test/flood":
                Flood(server, parameters.GetProperty("count").GetInt32(), parameters.GetProperty("size").GetInt32());
                return;
            case "test/server-request":
                server.Send(
                    """{"jsonrpc":"2.0","id":"srv-1","method":"sampling/createMessage","params":"""
                        + """{"messages":[],"maxTokens":1}}""");
                return;
            case "test/pause-stdin":
                // Stop reading stdin until the file RECORD.resume exists, so the guard's writes to us back up.
                server.PauseRequested = true;
                Console.Error.WriteLine("paused");
                return;
            case "test/say":
                // Writes the given line as the server's own message (a request, a notification...).
                server.Send(parameters.GetProperty("line").GetString()!);
                return;
            case "tasks/get" when parameters.GetProperty("taskId").GetString()!.StartsWith("completed-"):
                // The 2026 tasks extension: a completed task's tasks/get carries the call's result inline.
                var done = RawServer.Encode(parameters.GetProperty("taskId").GetString()!);
                var text = RawServer.Encode("task done: " + parameters.GetProperty("taskId").GetString());
                server.Reply(
                    id,
                    $$$"""{"resultType":"complete","taskId":{{{done}}},"status":"completed","result":"""
                        + $$$"""{"content":[{"type":"text","text":{{{text}}}}]}}""");
                return;
            case "tasks/get":
                server.Reply(
                    id,
                    $$$"""{"taskId":{{{RawServer.Encode(parameters.GetProperty("taskId").GetString()!)}}}"""
                        + $$$""","status":"working"}""");
                return;
            case "tasks/cancel":
                server.Reply(
                    id,
                    $$$"""{"taskId":{{{RawServer.Encode(parameters.GetProperty("taskId").GetString()!)}}}"""
                        + $$$""","status":"cancelled"}""");
                return;
            case "tasks/result":
                server.Reply(id, $$$"""{"content":[{"type":"text","text":"""
                    + $$$"""{{{RawServer.Encode("task done: " + parameters.GetProperty("taskId").GetString())}}}}]}""");
                return;
            case "resources/read":
                // The resource's text is its URI, so a test chooses what the guard reads.
                var uri = RawServer.Encode(parameters.GetProperty("uri").GetString()!);
                server.Reply(id, $$$"""{"contents":[{"uri":{{{uri}}},"mimeType":"text/plain","text":{{{uri}}}}]}""");
                return;
            case "prompts/get":
                // The prompt's message and description are its name, so a test chooses what the guard reads.
                var prompt = RawServer.Encode(parameters.GetProperty("name").GetString()!);
                server.Reply(id, $$$"""{"description":{{{prompt}}},"messages":[{"role":"user","content":"""
                    + $$$"""{"type":"text","text":{{{prompt}}}}}]}""");
                return;
            case "test/exit":
                Environment.Exit(parameters.GetProperty("code").GetInt32());
                return;
            default:
                if (id is not null)
                {
                    server.Reply(id, "{}");
                }

                return;
        }
    }

    /// <summary>
    /// Writes from a thread of its own, so stdin keeps being read; a write returns once the pipe took the bytes,
    /// so "wrote i" on stderr means line i really left this process.
    /// </summary>
    private static void Flood(RawServer server, int count, int size)
    {
        var pad = new string('y', size);
        new Thread(() =>
        {
            for (var i = 1; i <= count; i++)
            {
                server.Send($$$"""{"jsonrpc":"2.0","method":"test/flood","params":{"i":{{{i}}},"pad":"{{{pad}}}"}}""");
                Console.Error.WriteLine($"wrote {i}");
            }
        }) { IsBackground = true }.Start();
    }
}

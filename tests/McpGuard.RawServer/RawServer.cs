using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGuard.RawServer;

/// <summary>
/// Answers one line at a time, writing raw JSON so every byte the relay forwards is one this code chose.
/// </summary>
internal sealed partial class RawServer(RawServerConfig config, FileStream record, string recordPath, Stream stdout)
{
    private static readonly JsonWriterOptions s_relaxed = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping
    };
    private readonly List<(string Id, JsonElement Params)> _heldLists = [];
    private readonly Lock _stdout = new();
    private bool _failedOnce;
    private bool _holdLists = config.HoldToolsList;
    private bool _initialized;

    /// <summary>Whether the request being answered is of the 2026-07-28 era (its results carry resultType).</summary>
    private bool _modern;

    /// <summary>asks_client calls waiting for the client's answer: the request's id, the call's id.</summary>
    private readonly Dictionary<string, string?> _asked = new(StringComparer.Ordinal);
    private int _askedCount;

    /// <summary>
    /// Set by the exitsBeforeInitialize mode: the next line read (or EOF) ends the process with code 1.
    /// </summary>
    public bool SessionDead { get; set; }

    public void Handle(byte[] line)
    {
        Record(line);
        if (SessionDead)
        {
            Console.Error.WriteLine("raw server: read a line after the session died, exiting");
            Environment.Exit(1);
        }

        var text = Encoding.UTF8.GetString(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return;
        }

        var message = document.RootElement;
        if (message.ValueKind == JsonValueKind.Object && !message.TryGetProperty("method", out _)
            && message.TryGetProperty("id", out var answered) && answered.ValueKind == JsonValueKind.String
            && _asked.Remove(answered.GetString()!, out var callId))
        {
            // The answer to an asks_client call's request: the call's result carries it as its text.
            Reply(callId, $$$"""{"content":[{"type":"text","text":{{{Encode(text)}}}}]}""");
            return;
        }

        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method", out var methodElement)
            || methodElement.ValueKind != JsonValueKind.String)
        {
            return;
        }

        // The id's exact text (a parser would round 9007199254740993) when the line starts jsonrpc, id.
        var idText = LeadingId().Match(text);
        var id = !message.TryGetProperty("id", out var idElement)
            ? null
            : idText.Success ? idText.Groups[1].Value : Encode(idElement);
        var parameters = message.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.Clone()
            : default;
        var method = methodElement.GetString()!;
        _modern = RawServerEras.IsModern(parameters);
        if (id is null && config is { DiesOfNotifications: true, Era: RawServerEra.ExitsBeforeInitialize }
            && method != "notifications/initialized"
            && RawServerEras.Refuses(this, config.Era, method, "null", _modern, _initialized))
        {
            return;
        }

        if (id is not null && RawServerEras.Refuses(this, config.Era, method, id, _modern, _initialized))
        {
            return;
        }

        switch (method)
        {
            case "initialize":
                _initialized = true;
                Reply(
                    id,
                    $$$"""{"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":true}}"""
                        + $$$""","serverInfo":{"name":{{{Encode(config.ServerName)}}},"version":"1"}}""");
                return;
            case "server/discover" when config.Era is RawServerEra.ModernOnly or RawServerEra.BothEras:
                Reply(id, RawServerEras.Discovered(config.ServerName));
                return;
            case "tools/list":
                if (config.FailFirstToolsList && !_failedOnce)
                {
                    _failedOnce = true;
                    Send($$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32002,"message":"not ready"}}""");
                }
                else if (_holdLists)
                {
                    _heldLists.Add((id!, parameters));
                    if (config.AnnounceHeldLists)
                    {
                        Send("""{"jsonrpc":"2.0","method":"test/list-held"}""");
                    }
                }
                else
                {
                    AnswerList(id, parameters);
                }

                return;
            case "tools/call":
                Call(id, parameters, line, text);
                return;
            case "test/release":
                _holdLists = false;
                foreach (var (heldId, heldParams) in _heldLists)
                {
                    AnswerList(heldId, heldParams);
                }

                _heldLists.Clear();
                return;
            default:
                RawServerTestMethods.Handle(this, methodElement.GetString()!, id, parameters);
                return;
        }
    }

    public List<string> Pages => config.Pages;

    public string RecordPath => recordPath;

    public void Reply(string? id, string resultJson) =>
        Send(
            $$$"""{"jsonrpc":"2.0","id":{{{id}}},"result":"""
                + $$$"""{{{(_modern ? RawServerEras.Complete(resultJson) : resultJson)}}}}""");

    public void Error(string? id, int code, string message, string? dataJson = null) =>
        Send(
            $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":{{{code}}}"""
                + $$$""","message":{{{Encode(message)}}}{{{(dataJson is null ? "" : ",\"data\":" + dataJson)}}}}}""");

    /// <summary>
    /// Set by <c>test/pause-stdin</c>: the rest of the chunk already read is handled, then no more is read until
    /// resumed.
    /// </summary>
    public bool PauseRequested { get; set; }

    /// <summary>Whole lines, one writer at a time (test/flood writes from its own thread).</summary>
    public void Send(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_stdout)
        {
            stdout.Write(bytes);
            stdout.Flush();
        }
    }

    /// <summary>Called between reads of stdin: waits for RECORD.resume after a <c>test/pause-stdin</c>.</summary>
    public void WaitWhilePaused()
    {
        while (PauseRequested && !File.Exists(recordPath + ".resume"))
        {
            Thread.Sleep(20);
        }

        PauseRequested = false;
    }

    /// <summary>A JSON string literal, escaped only where JSON must be (as JavaScript's JSON.stringify does).</summary>
    public static string Encode(string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_relaxed))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Encode(JsonElement id) =>
        id.ValueKind == JsonValueKind.String ? Encode(id.GetString()!) : id.GetRawText();

    /// <summary>A JSON value on one line, strings escaped only where JSON must be.</summary>
    public static string Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_relaxed))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void Call(string? id, JsonElement parameters, byte[] line, string text)
    {
        var name = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("name", out var n)
            && n.ValueKind == JsonValueKind.String
            ? n.GetString()
            : null;
        switch (name)
        {
            case "hang":
                return;
            case "asks_client":
                // Sends the client a request (roots/list) and answers the call with whatever answers it.
                var asked = "ask-" + (++_askedCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _asked[asked] = id;
                Send($$$"""{"jsonrpc":"2.0","id":{{{Encode(asked)}}},"method":"roots/list"}""");
                return;
            case "as_task":
                // A 2025-11-25 task handle; the task id is taken from the arguments so a test knows it.
                Reply(id, $$$"""{"task":{"taskId":{{{Encode(TaskId(parameters))}}},"status":"working","ttl":"""
                    + """null,"createdAt":"2026-01-01T00:00:00Z","lastUpdatedAt":"2026-01-01T00:00:00Z"}}""");
                return;
            case "as_modern_task":
                // The 2026 tasks extension's handle: resultType task, the task's fields at the top.
                Reply(id, $$$"""{"resultType":"task","taskId":{{{Encode(TaskId(parameters))}}},"status":"working"}""");
                return;
            case "sha256":
                var digest = Convert.ToHexStringLower(SHA256.HashData(line));
                Reply(id, $$$"""{"content":[{"type":"text","text":"{{{digest}}}"}]}""");
                return;
            case "big":
                var size = parameters.GetProperty("arguments").GetProperty("size").GetInt32();
                Reply(id, $$$"""{"content":[{"type":"text","text":"{{{Pattern(size)}}}"}]}""");
                return;
            default:
                Reply(id, $$$"""{"content":[{"type":"text","text":{{{Encode(text)}}}}]}""");
                return;
        }
    }

    private static string TaskId(JsonElement parameters) =>
        parameters.TryGetProperty("arguments", out var arguments) && arguments.TryGetProperty("task", out var task)
            ? task.GetString()!
            : "task-1";

    private void AnswerList(string? id, JsonElement parameters)
    {
        var index = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("cursor", out var cursor)
            && cursor.ValueKind == JsonValueKind.String
            ? int.Parse(cursor.GetString()![1..], System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        var next = index + 1 < config.Pages.Count ? $$$""","nextCursor":"p{{{index + 1}}}" """.TrimEnd() : "";
        var cache = _modern ? ""","ttlMs":0,"cacheScope":"private" """.TrimEnd() : "";
        Reply(id, $$$"""{"tools":{{{config.Pages[index]}}}{{{next}}}{{{cache}}}}""");
    }

    private void Record(byte[] line)
    {
        var bytes = line.Length > 1024 * 1024
            ? Encoding.ASCII.GetBytes("sha256:" + Convert.ToHexStringLower(SHA256.HashData(line)))
            : line;
        record.Write(bytes);
        record.WriteByte((byte)'\n');
        record.Flush();
    }

    private static string Pattern(int size)
    {
        const string Unit = "abcdefghijklmnopqrstuvwxyz0123456789";
        var text = new StringBuilder(size + Unit.Length);
        while (text.Length < size)
        {
            text.Append(Unit);
        }

        return text.ToString(0, size);
    }

    [GeneratedRegex("""^\{"jsonrpc":"2\.0","id":(-?\d+|"(?:[^"\\]|\\.)*")""")]
    private static partial Regex LeadingId();
}

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using static McpGuard.EndToEndTests.TestUtils.ModernRequest;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// Every bound and bad input of docs/serve.md answered with its status (and, where asked, a JSON-RPC error), on
/// raw HTTP against the real serve and the TypeScript SDK v2 server, which reports each call it runs on stderr.
/// </summary>
public sealed class ServeHttpBoundsTests
{
    private const string Policy = "version: 1\ndefault: allow\ntools:\n  place_order: deny\n";

    /// <summary>A 2025-06-18 <c>initialize</c>: every test that opens a session starts with it.</summary>
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IEnumerable<string> Server => ["node", RepoPaths.V2Server];

    [Fact]
    public async Task BadInputs_EachGetsItsStatus()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();

        var text = await PostAsync(http, guard, "{}", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(text));
        var parse = await PostAsync(http, guard, "{\"jsonrpc\":");
        Assert.Equal(HttpStatusCode.BadRequest, parse.StatusCode);
        Assert.Equal(-32700, await ErrorCodeAsync(parse));
        var batch = await PostAsync(http, guard, """[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        Assert.Equal(-32600, await ErrorCodeAsync(batch));
        Assert.Contains("\"id\":null", await batch.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var duplicate = await PostAsync(http, guard, """{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/list"}""");
        Assert.Equal(-32600, await ErrorCodeAsync(duplicate));
        // Nested far deeper than the limit is still JSON: refused as too deep, with its id (was -32700, id null).
        var deep = await PostAsync(
            http, guard, """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":""" + new string('[', 5000)
            + new string(']', 5000) + "}}");
        Assert.Equal(HttpStatusCode.BadRequest, deep.StatusCode);
        Assert.Equal(-32600, await ErrorCodeAsync(deep));
        Assert.Contains("\"id\":1,", await deep.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.StartsWith(
            "HTTP/1.1 413", await RawAsync(guard, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + guard.Url.Port
            + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
            + "\r\nContent-Length: 300000000\r\n\r\n{"), StringComparison.Ordinal);
        // A 2025 request without the session id initialize gave: 400 with -32000, as both SDKs' servers answer.
        var sessionlessPost = await PostAsync(http, guard, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        Assert.Equal(HttpStatusCode.BadRequest, sessionlessPost.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(sessionlessPost));
        var unknownPost = await PostAsync(
            http, guard, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", session: "nope");
        Assert.Equal(HttpStatusCode.NotFound, unknownPost.StatusCode);
        Assert.Equal(-32001, await ErrorCodeAsync(unknownPost));
        Assert.Contains("\"id\":1", await unknownPost.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var sessionless = await http.GetAsync(guard.Url, Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, sessionless.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(sessionless));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.DeleteAsync(guard.Url, Ct)).StatusCode);
        using var unknown = new HttpRequestMessage(HttpMethod.Delete, guard.Url);
        unknown.Headers.Add("Mcp-Session-Id", "nope");
        var unknownDelete = await http.SendAsync(unknown, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownDelete.StatusCode);
        Assert.Equal(-32001, await ErrorCodeAsync(unknownDelete));
        Assert.Equal(
            HttpStatusCode.Forbidden, (await PostAsync(http, guard, "{}", origin: "https://evil.example")).StatusCode);
        using var rebound = new HttpRequestMessage(HttpMethod.Post, guard.Url) { Content = Json("{}") };
        rebound.Headers.Host = "evil.example:" + guard.Url.Port;
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(guard.Url, "/healthz"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(guard.Url, "/readyz"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Post_InAContentCoding_Is415NamingIt_NeverParsedNorJudged()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        using var zipped = new MemoryStream();
        await using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(Initialize), Ct);
        }

        var answers = new List<HttpResponseMessage>();
        // A gzip body, and a plain one that says it is in br: neither is read as what it says it is not.
        var plain = Encoding.UTF8.GetBytes(Initialize);
        foreach (var (bytes, coding) in new[] { (zipped.ToArray(), "gzip"), (plain, "br") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, guard.Url)
            {
                Content = new ByteArrayContent(bytes),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content.Headers.ContentEncoding.Add(coding);
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            answers.Add(await http.SendAsync(request, Ct));
        }

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode));
        Assert.Equal(-32000, await ErrorCodeAsync(answers[0]));
        var named = await answers[0].Content.ReadAsStringAsync(Ct);
        Assert.Contains("(Content-Encoding: gzip)", named, StringComparison.Ordinal);
        Assert.Contains("identity", answers[0].Headers.GetValues("Accept-Encoding"));
        Assert.False(answers[1].Headers.Contains("Mcp-Session-Id"));
        var identity = await PostAsync(http, guard, Initialize);
        Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
    }

    [Fact]
    public async Task Post_OnlyForAClientThatAcceptsJsonAndAnEventStream()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        var jsonOnly = await PostAsync(http, guard, Initialize, accept: "application/json");
        var none = await PostAsync(http, guard, Initialize, accept: null);
        var anything = await PostAsync(http, guard, Initialize, accept: "*/*");

        Assert.Equal(HttpStatusCode.NotAcceptable, jsonOnly.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(jsonOnly));
        Assert.False(jsonOnly.Headers.Contains("Mcp-Session-Id"));
        Assert.Equal(HttpStatusCode.NotAcceptable, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anything.StatusCode);
        Assert.Single(anything.Headers.GetValues("Mcp-Session-Id"));
    }

    [Fact]
    public async Task GetStream_OnlyForAClientThatAcceptsAnEventStream()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        var initialize = await PostAsync(http, guard, Initialize);
        var session = initialize.Headers.GetValues("Mcp-Session-Id").Single();
        await PostAsync(http, guard, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session: session);

        var json = await GetAsync(http, guard, session, "application/json");
        var unknown = await GetAsync(http, guard, "nope", "text/event-stream");
        using var stream = await GetAsync(
            http, guard, session, "text/event-stream", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.NotAcceptable, json.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(json));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(-32001, await ErrorCodeAsync(unknown));
        var second = await GetAsync(http, guard, session, "text/event-stream");
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(second));
    }

    [Fact]
    public async Task GetStream_Idle_ItsFirstBytesComeAtOnce_AComment()
    {
        // HAProxy 2.6 holds a response's headers until the first bytes of its body, and a proxy ends a response that
        // is silent for its read timeout: a GET stream starts with an SSE comment and gets one every 15 s of silence.
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        var initialize = await PostAsync(http, guard, Initialize);
        var session = initialize.Headers.GetValues("Mcp-Session-Id").Single();
        await PostAsync(http, guard, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session: session);

        using var stream = await GetAsync(
            http, guard, session, "text/event-stream", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct));
        // Bounds the wait only: without the comment nothing ever comes on this stream.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(60));

        Assert.Equal(": keep-alive", await reader.ReadLineAsync(bound.Token));
        Assert.Equal("", await reader.ReadLineAsync(bound.Token));
    }

    [Fact]
    public async Task SessionRequest_TheClientCancels_ItsStreamEnds()
    {
        // The TypeScript SDK cancels a 2025 request (its timeout, an abort) with notifications/cancelled and keeps
        // the POST open for an answer that, cancelled, never comes: the POST held its connection and one of the
        // agent's 32 open requests for as long as the session lived. Here the server asks the client a question
        // (elicitation) on the call's stream, and the client cancels instead of answering.
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        var initialize = await PostAsync(http, guard, Initialize.Replace(
            "\"capabilities\":{}", "\"capabilities\":{\"elicitation\":{}}", StringComparison.Ordinal));
        var session = initialize.Headers.GetValues("Mcp-Session-Id").Single();
        await PostAsync(http, guard, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session: session);

        using var call = new HttpRequestMessage(HttpMethod.Post, guard.Url)
        {
            Content = Json("""{"jsonrpc":"2.0","id":"ask","method":"tools/call","params":"""
                + """{"name":"confirm","arguments":{"qty":"3"}}}"""),
        };
        call.Headers.Accept.ParseAdd("application/json, text/event-stream");
        call.Headers.Add("Mcp-Session-Id", session);
        using var stream = await http.SendAsync(call, HttpCompletionOption.ResponseHeadersRead, Ct);
        var cancelled = await PostAsync(http, guard, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":"""
            + """{"requestId":"ask","reason":"timed out"}}""", session: session);
        // Bounds the wait only: before, the stream never ended.
        var events = await stream.Content.ReadAsStringAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Contains("\"method\":\"elicitation/create\"", events, StringComparison.Ordinal);
        Assert.DoesNotContain("\"id\":\"ask\"", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherHttpMethods_405WithAJsonRpcError()
    {
        // As both SDKs answer (and docs/serve.md says for every 405): it was an empty body.
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, new HttpMethod("PROPFIND") })
        {
            using var request = new HttpRequestMessage(method, guard.Url) { Content = Json("{}") };
            using var response = await http.SendAsync(request, Ct);

            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal(-32000, await ErrorCodeAsync(response));
            Assert.Equal(["GET", "POST", "DELETE"], response.Content.Headers.Allow);
        }
    }

    [Fact]
    public async Task ModernHeaders_MustEqualTheBody()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}," + Meta + "}}";

        var lying = await PostAsync(http, guard, body, modern: ("tools/call", "place_order"));
        var honest = await PostAsync(http, guard, body, modern: ("tools/call", "echo"));

        Assert.Equal(HttpStatusCode.BadRequest, lying.StatusCode);
        Assert.Equal(-32020, await ErrorCodeAsync(lying));
        Assert.Equal(HttpStatusCode.OK, honest.StatusCode);
        Assert.Contains("echo: hi", await honest.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacySession_UnsupportedProtocolVersionHeader_Is400()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        var initialize = await PostAsync(http, guard, Initialize);
        var session = initialize.Headers.GetValues("Mcp-Session-Id").Single();
        async Task<HttpResponseMessage> ListAsync(HttpMethod method, string? revision)
        {
            using var request = new HttpRequestMessage(method, guard.Url);
            request.Headers.Add("Mcp-Session-Id", session);
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            if (method == HttpMethod.Post)
            {
                request.Content = Json("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            }

            if (revision is not null)
            {
                request.Headers.Add("MCP-Protocol-Version", revision);
            }

            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        }

        using var unsupported = await ListAsync(HttpMethod.Post, "1999-01-01");
        using var future = await ListAsync(HttpMethod.Post, "2026-07-28");
        using var stream = await ListAsync(HttpMethod.Get, "2099-01-01");
        using var negotiated = await ListAsync(HttpMethod.Post, "2025-06-18");
        using var none = await ListAsync(HttpMethod.Post, null);

        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
        Assert.Equal(-32000, await ErrorCodeAsync(unsupported));
        Assert.Contains("\"id\":2", await unsupported.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, stream.StatusCode);
        Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        Assert.Contains("echo", await negotiated.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
    }

    [Fact]
    public async Task Modern_MethodTheServerLacks_Is404WithMethodNotFound()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();

        var unknown = await PostAsync(
            http, guard, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"foo/bar\",\"params\":{" + Meta + "}}",
            modern: ("foo/bar", null));
        var known = await PostAsync(
            http, guard, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" + Meta + "}}",
            modern: ("tools/list", null));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(-32601, await ErrorCodeAsync(unknown));
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task TwoStatelessClients_SameIdAtOnce_EachGetsItsOwnAnswer()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        using var http = new HttpClient();
        string Wait(int ms) =>
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"wait_ms\",\"arguments\":{\"ms\":" + ms + "}," + Meta + "}}";

        var slow = PostAsync(http, guard, Wait(400), modern: ("tools/call", "wait_ms"));
        var fast = PostAsync(http, guard, Wait(1), modern: ("tools/call", "wait_ms"));
        var answers = await Task.WhenAll(slow, fast);

        var texts = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync(Ct)));
        Assert.Contains("waited 400", texts[0], StringComparison.Ordinal);
        Assert.Contains("waited 1\"", texts[1], StringComparison.Ordinal);
        Assert.All(texts, t => Assert.Contains("\"id\":1", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_OnlyAKnownAgent_AndRevokeTakesEffect()
    {
        var home = DeskProcess.NewHome();
        var policy = Policy + "serve:\n  auth: { tokens: agents.yaml }\n";
        var token = await AddAgentAsync(home, policy, "alice");
        var audit = Path.Combine(home, "audit.jsonl");
        await using var guard = await ServedGuard.StartAsync(policy, Server, ["--audit", audit], home: home);
        using var http = new HttpClient();
        var none = await PostAsync(http, guard, Initialize);
        var wrong = await PostAsync(http, guard, Initialize, token: token + "x");
        var right = await PostAsync(http, guard, Initialize, token: token);
        var session = right.Headers.GetValues("Mcp-Session-Id").Single();
        var call = await PostAsync(
            http, guard,
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}""",
            session: session, token: token);
        await RunCliAsync(home, "agents", "revoke", "alice", "--policy", Path.Combine(home, "policy.yaml"), policy);
        var revoked = await PostAsync(http, guard, Initialize, token: token);

        Assert.StartsWith("mcpg_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(
            token, await File.ReadAllTextAsync(Path.Combine(home, "agents.yaml"), Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("echo: hi", await call.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var records = await File.ReadAllLinesAsync(audit, Ct);
        Assert.Equal(2, records.Length);
        Assert.All(records, line => Assert.Contains("\"agent\":\"alice\"", line, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task NonLoopbackWithoutAuth_Exit2()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ServedGuard.StartAsync(Policy, Server, ["--listen", "0.0.0.0:0"]));

        Assert.Contains("serve exited (2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs serve.auth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsFilesThatAreNotPem_OneLineNoStackTrace()
    {
        var certificate = TempFiles.Write("cert.pem", "not a certificate\n");
        var key = TempFiles.Write("key.pem", "not a key\n");
        var policy = Policy + $"serve: {{ tls: {{ certificate: {certificate}, key: {key} }} }}\n";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServedGuard.StartAsync(policy, Server));

        Assert.Contains("serve exited (1)", error.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"mcpguard: serve.tls: cannot use {certificate} and {key}:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsCertificateMissing_SaysWhichFile()
    {
        var missing = TempFiles.NewPath("cert.pem");
        var key = TempFiles.Write("key.pem", "not a key\n");
        var policy = Policy + $"serve: {{ tls: {{ certificate: {missing}, key: {key} }} }}\n";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServedGuard.StartAsync(policy, Server));

        Assert.Contains("serve exited (1)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"mcpguard: serve.tls: {missing} does not exist.", error.Message, StringComparison.Ordinal);
    }

    private static StringContent Json(string body, string mediaType = "application/json") =>
        new(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(mediaType));

    internal static async Task<HttpResponseMessage> PostAsync(
        HttpClient http, ServedGuard guard, string body, string mediaType = "application/json", string? session = null,
        string? origin = null, string? token = null, (string Method, string? Name)? modern = null,
        string? accept = "application/json, text/event-stream")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, guard.Url) { Content = Json(body, mediaType) };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (modern is { } headers)
        {
            request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            request.Headers.Add("Mcp-Method", headers.Method);
            if (headers.Name is not null)
            {
                request.Headers.Add("Mcp-Name", headers.Name);
            }
        }

        var response = await http.SendAsync(request, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }

    private static async Task<HttpResponseMessage> GetAsync(
        HttpClient http, ServedGuard guard, string session, string accept,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, guard.Url);
        request.Headers.Add("Mcp-Session-Id", session);
        request.Headers.Accept.ParseAdd(accept);
        return await http.SendAsync(request, completion, Ct);
    }

    /// <summary>
    /// Bytes straight onto a socket (a body the client announces but never sends); the status line back.
    /// </summary>
    private static async Task<string> RawAsync(ServedGuard guard, string request)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, guard.Url.Port, Ct);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync(Ct) ?? "";
    }

    private static async Task<int> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return document.RootElement.GetProperty("error").GetProperty("code").GetInt32();
    }

    /// <summary>
    /// Adds an agent to the home's agents.yaml with <c>mcpguard agents add</c> (the policy written to the home first)
    /// and returns its token.
    /// </summary>
    internal static async Task<string> AddAgentAsync(string home, string policy, string name) =>
        (await RunCliAsync(home, "agents", "add", name, "--policy", Path.Combine(home, "policy.yaml"), policy)).Trim();

    /// <summary>Runs a mcpguard command with this home (the policy written first) and returns its stdout.</summary>
    internal static async Task<string> RunCliAsync(
        string home, string verb, string sub, string name, string policyFlag, string policyPath, string policy)
    {
        await File.WriteAllTextAsync(policyPath, policy, Ct);
        var guard = RepoPaths.Guard;
        var start = new System.Diagnostics.ProcessStartInfo(guard.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true
        };
        foreach (var argument in guard.Prefix.Concat([verb, sub, name, policyFlag, policyPath]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MCPGUARD_HOME"] = home;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, await error);
        return await output;
    }
}

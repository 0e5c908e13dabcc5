using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGuard.Benchmarks;

/// <summary>
/// The HTTP twin of <see cref="FastServer"/>: a Streamable HTTP MCP server on a loopback port that answers every
/// POST with canned JSON (the request's id spliced in, no JSON parsed), in either era, with no session (the spec lets
/// a server mint none) and no GET stream (405). It prints <c>LISTENING PORT</c> once it serves.
/// </summary>
internal static class FastHttpServer
{
    private static readonly byte[] s_initialize = Encoding.UTF8.GetBytes(
        """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"""
        + "\"serverInfo\":{\"name\":\"fast-http\",\"version\":\"1\"}}");

    private static readonly byte[] s_call = Encoding.UTF8.GetBytes(
        """{"resultType":"complete","content":[{"type":"text","text":"{\"retCode\":0,\"retMsg\":\"OK\"}"}]}""");

    private static readonly byte[] s_tools = Encoding.UTF8.GetBytes(
        """{"resultType":"complete","tools":[{"name":"place_order","inputSchema":{"type":"object"}}]}""");

    private static readonly byte[] s_empty = "{}"u8.ToArray();

    public static async Task<int> RunAsync()
    {
        // Nothing watched under the working directory (the default watches it all for appsettings.json).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(AnswerAsync);
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        Console.WriteLine($"LISTENING {port}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var line = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        if (FastServer.IdOf(line) is not { } id)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var result = line.Contains("\"initialize\"", StringComparison.Ordinal) ? s_initialize
            : line.Contains("\"tools/call\"", StringComparison.Ordinal) ? s_call
            : line.Contains("\"tools/list\"", StringComparison.Ordinal) ? s_tools
            : s_empty;
        context.Response.ContentType = "application/json";
        var answer = context.Response.BodyWriter;
        answer.Write("{\"jsonrpc\":\"2.0\",\"id\":"u8);
        answer.Write(Encoding.UTF8.GetBytes(id));
        answer.Write(",\"result\":"u8);
        answer.Write(result);
        answer.Write("}"u8);
        await answer.FlushAsync();
    }
}

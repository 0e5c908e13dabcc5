using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGuard.Desk;

/// <summary>
/// <c>mcpguard desk</c>: the approval page and the guards' API, on 127.0.0.1 only.
/// Guard API (secret header): POST/GET/DELETE <c>/api/guard/requests/{id}</c>, and POST/DELETE
/// <c>/api/guard/reports/{id}</c> for a guard's picture (limits, decisions per minute).
/// Page: <c>/</c>, <c>/api/state</c>,
/// POST <c>/api/decisions/{id}</c> with <c>{"approve":bool}</c> and the CSRF header.
/// </summary>
internal static class DeskApp
{
    private static readonly TimeSpan s_maxLongPoll = TimeSpan.FromSeconds(25);

    /// <summary>
    /// A report of <see cref="DeskGuardReport.MaxRows"/> rows is far smaller: a bigger one is not read.
    /// </summary>
    private const long MaxReportBytes = 256 * 1024;

    /// <summary>Builds and starts the desk; port 0 picks a free port. Returns the app and the port it got.</summary>
    public static async Task<(WebApplication App, int Port)> StartAsync(
        int port,
        string secret,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        // As serve's host (Http/GatewayHost.cs): no file watched under the working directory, none read from it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, DeskJsonContext.Default));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        var store = new DeskStore(timeProvider);
        var reports = new DeskReports(timeProvider);
        var security = new DeskSecurity(secret, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        app.Use(security.InvokeAsync);
        app.MapGet("/", () => Results.Content(DeskPage.Html(security.CsrfToken), "text/html; charset=utf-8"));
        app.MapGet("/api/state", () => State(store, reports, security.CsrfToken));
        app.MapPost("/api/decisions/{id}", async (string id, HttpRequest request) =>
        {
            var approve = await ReadApproveAsync(request);
            return approve is null ? Results.BadRequest("Send {\"approve\": true|false}.")
                : store.TryDecide(id, approve.Value) ? Results.Ok() : Results.Conflict("No longer pending.");
        });
        app.MapPost("/api/guard/requests/{id}", async (string id, HttpRequest request) =>
        {
            var pending = await ReadPendingAsync(id, request, store.Now);
            if (pending is null)
            {
                return Results.BadRequest("Not an approval request.");
            }

            store.Add(pending);
            return Results.Ok();
        });
        app.MapGet("/api/guard/requests/{id}", async (string id, int? waitSeconds, CancellationToken aborted) =>
        {
            var wait = TimeSpan.FromSeconds(Math.Clamp(waitSeconds ?? 0, 0, (int)s_maxLongPoll.TotalSeconds));
            var answer = await store.WaitAsync(id, wait, aborted);
            if (answer == DeskAnswer.Unknown)
            {
                return Results.NotFound();
            }

            var state = answer.ToString().ToLowerInvariant();
            return Results.Json(
                new DeskGuardAnswer(state, DeskFiles.Proof(secret, id, state)),
                DeskJsonContext.Default.DeskGuardAnswer);
        });
        app.MapDelete("/api/guard/requests/{id}", (string id) =>
        {
            store.Withdraw(id);
            return Results.Ok();
        });

        app.MapPost("/api/guard/reports/{id}", async (string id, HttpRequest request) =>
        {
            var report = await ReadReportAsync(request);
            return report is null ? Results.BadRequest("Not a guard report.")
                : reports.Put(id, report) ? Results.Ok() : Results.Conflict("The desk shows as many guards as it can.");
        });
        app.MapDelete("/api/guard/reports/{id}", (string id) =>
        {
            reports.Remove(id);
            return Results.Ok();
        });

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return (app, new Uri(address).Port);
    }

    private static IResult State(DeskStore store, DeskReports reports, string csrfToken)
    {
        var (pending, decisions) = store.Snapshot();
        var state = new DeskState(
            store.Now, pending, decisions, csrfToken, reports.Snapshot(), reports.DepartedMinutes());
        return Results.Json(state, DeskJsonContext.Default.DeskState);
    }

    private static async Task<DeskGuardReport?> ReadReportAsync(HttpRequest request)
    {
        if (request.ContentLength is not (>= 0 and <= MaxReportBytes))
        {
            return null;
        }

        try
        {
            var report = await JsonSerializer.DeserializeAsync(
                request.Body, DeskJsonContext.Default.DeskGuardReport, request.HttpContext.RequestAborted);
            return report is { Server: not null, Limits: not null, Minutes: not null } && report.IsBounded
                ? report
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<bool?> ReadApproveAsync(HttpRequest request)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(
                request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("approve"u8, out var approve)
                && approve.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? approve.GetBoolean()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the guard's request (the same JSON the command channel gets: docs/approval.md#command-ask-a-program).
    /// </summary>
    private static async Task<DeskPending?> ReadPendingAsync(string id, HttpRequest request, DateTimeOffset now)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(
                request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var root = body.RootElement;
            return new DeskPending(
                id,
                root.GetProperty("server"u8).GetString() ?? "",
                root.GetProperty("tool"u8).GetString() ?? "",
                ArgumentsDisplay.Pretty(root.GetProperty("arguments"u8), maxChars: 20_000),
                root.GetProperty("rule"u8).GetString() ?? "",
                root.TryGetProperty("reason"u8, out var reason) && reason.ValueKind == JsonValueKind.String
                    ? reason.GetString()
                    : null,
                now,
                root.GetProperty("deadline"u8).GetDateTimeOffset(),
                root.TryGetProperty("changes"u8, out var changes) && changes.ValueKind == JsonValueKind.Array
                    ? string.Join('\n', changes.EnumerateArray()
                        .Select(c => c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText()))
                    : null)
            {
                Agent = root.TryGetProperty("agent"u8, out var agent) && agent.ValueKind == JsonValueKind.String
                    ? agent.GetString()
                    : null,
            };
        }
        catch (Exception ex)
            when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

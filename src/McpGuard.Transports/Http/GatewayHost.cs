using McpGuard.Http.Bearer;
using McpGuard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http;

/// <summary>
/// <c>mcpguard serve</c>'s listener: Kestrel with its slow-client limits on, the routes of
/// <see cref="GatewayRoutes"/>, and shutdown in the order of docs/serve.md#shutdown.
/// </summary>
internal sealed class GatewayHost(
    ServeOptions options, GuardLauncher launcher, TimeProvider clock, PrometheusMetrics? metrics = null)
{
    private readonly LegacySessions _sessions = new(launcher, options.MaxSessions, options.SessionIdle, clock);
    private readonly StatelessRequests _stateless = new(launcher);
    private const string ShuttingDown =
        "McpGuard is shutting down: the server did not answer within the drain time (--drain).";

    /// <summary>How long, past the drain, the answers to the requests still waiting have to be written.</summary>
    private static readonly TimeSpan s_answerGrace = TimeSpan.FromSeconds(5);

    private volatile bool _draining;

    /// <summary>A policy reload reaches every child's session.</summary>
    public async Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        await _sessions.OnPolicyReloadedAsync(hiddenChanged);
        await _stateless.OnPolicyReloadedAsync(hiddenChanged);
    }

    /// <summary>Serves until <paramref name="stopping"/> fires, then drains and ends every child.</summary>
    public async Task RunAsync(Action<Uri> started, CancellationToken stopping)
    {
        // No configuration file is watched (the default watches the working directory and everything under it,
        // e.g. a home whose state.db changes on every counted call), and none is read from the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        // Past the drain, the requests still waiting are answered (below) before Kestrel cuts what is left.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Drain + s_answerGrace);
        // A request's bytes are handled on the thread that received them, and its answer is sent from the thread that
        // wrote it: by default Kestrel hands each over to the thread pool once more in both directions (two thread
        // wake-ups a request). Socket completions still run on pool threads, never on the socket engine's own.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxMessageBytes + 1;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.MinRequestBodyDataRate =
                new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));
            kestrel.Listen(options.Listen, listen =>
            {
                if (options.Tls is { } tls)
                {
                    listen.UseHttps(
                        System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
                            tls.Certificate, tls.Key));
                }
            });
        });
        var app = builder.Build();
        using var issuerHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var issuerKeys = options.Auth is GatewayAuth.OAuth o
            ? new IssuerKeys(issuerHttp, o.Issuer.OriginalString, clock)
            : null;
        IRequestAuthenticator authenticator = options.Auth switch
        {
            GatewayAuth.Tokens file => new TokenAuthenticator(
                file.File, file.Read, launcher.LoggerFactory.CreateLogger<TokenAuthenticator>()),
            GatewayAuth.OAuth oauth => new OAuthAuthenticator(oauth, issuerKeys!, clock),
            _ => new NoAuthentication(),
        };
        var checks = new GatewayChecks(options, authenticator, new AgentConcurrency(options.MaxRequestsPerAgent));
        var readiness = new Readiness(
            launcher, () => _draining, launcher.LoggerFactory.CreateLogger<Readiness>());
        GatewayRoutes.Map(
            app, options, new McpEndpoint(_sessions, _stateless, options, stopping), checks, readiness, metrics);

        using var sweep = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var idle = _sessions.SweepIdleAsync(sweep.Token);
        // agents.yaml is checked on each request; between requests too, so a revoked token's open streams end.
        var watch = authenticator is TokenAuthenticator tokens
            ? tokens.WatchAsync(TimeSpan.FromSeconds(1), sweep.Token)
            : Task.CompletedTask;
        await app.StartAsync(CancellationToken.None);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        var url = new Uri(new Uri(address), options.Path);
        checks.Host.BoundPort = url.Port;
        started(url);
        try
        {
            await Task.Delay(Timeout.Infinite, stopping);
        }
        catch (OperationCanceledException)
        {
        }

        // Stop accepting, let requests in flight finish up to the drain time (then answer the rest with an error),
        // then end every child as a signal would.
        _draining = true;
        var stopped = app.StopAsync(CancellationToken.None);
        if (await Task.WhenAny(stopped, Task.Delay(options.Drain, clock, CancellationToken.None)) != stopped)
        {
            // The drain ran out: each request still waiting for its server gets an error now, not a cut connection
            // (its outcome is audited when its session ends below).
            await Task.WhenAll(
                _sessions.AnswerInFlightAsync(ShuttingDown), _stateless.AnswerInFlightAsync(ShuttingDown));
        }

        await stopped;
        await sweep.CancelAsync();
        await _sessions.StopAllAsync();
        await _stateless.StopAsync();
        try
        {
            await Task.WhenAll(idle, watch);
        }
        catch (OperationCanceledException)
        {
        }

        await app.DisposeAsync();
    }
}

using System.CommandLine;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// The options of the two commands that start a guard, <c>run</c> and <c>serve</c>: the policy, the audit file, the
/// log level and the server (a child after <c>--</c>, or <c>--url</c> with its options), read and checked in one
/// place. Each command lists these among its own options, in the order its help shows them.
/// </summary>
internal sealed class GuardCliOptions
{
    private readonly UpstreamCliOptions _upstream = new();

    public Option<FileInfo> Policy { get; } = CommonOptions.Policy();

    public Option<string> Audit { get; } = new("--audit")
    {
        Description = "Audit log file (JSON lines); overrides the policy's audit.path.",
    };

    public Option<string> Name { get; } = new("--name")
    {
        Description = "The server's name on the desk, in approvals and in the audit log (wrap writes the config "
            + "entry's name; default: from the command, or --url's host).",
    };

    public Option<LogLevel> LogLevel { get; } = CommonOptions.LogLevel();

    public Argument<string[]> ServerCommand { get; } = CommonOptions.ServerCommand(required: false);

    /// <summary>The remote server's options (docs/remote.md), after the command's own.</summary>
    public void AddUpstreamTo(Command command)
    {
        foreach (var option in _upstream.All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The server, exactly one of a command line and <c>--url</c>, then the policy. A mistake in either is written to
    /// <paramref name="error"/> (a policy's problems with file, line and column) and gives
    /// <see cref="GuardSetup.Invalid"/>.
    /// </summary>
    public async Task<GuardSetup> ReadAsync(ParseResult parseResult, TextWriter error)
    {
        var commandLine = parseResult.GetValue(ServerCommand) ?? [];
        var server = await _upstream.ReadServerAsync(parseResult, commandLine, error);
        if (!server.Valid)
        {
            return new GuardSetup.Invalid();
        }

        var policyPath = parseResult.GetValue(Policy)!.FullName;
        var loaded = PolicyLoader.LoadFile(policyPath);
        if (!loaded.Succeeded)
        {
            await PolicyErrors.WriteAsync(error, loaded);
            return new GuardSetup.Invalid();
        }

        return new GuardSetup.Ready(commandLine, server.Upstream, policyPath, loaded.Policy);
    }

    /// <summary>The name the operator gave the server with <c>--name</c>, or null.</summary>
    public string? GivenName(ParseResult parseResult) =>
        parseResult.GetValue(Name) is { Length: > 0 } name ? name : null;

    /// <summary>The server's name: <c>--name</c>, else <c>--url</c>'s host, else from its command line.</summary>
    public string ServerNameOf(ParseResult parseResult, IReadOnlyList<string> commandLine, Uri? upstream) =>
        GivenName(parseResult) ?? upstream?.Host ?? ServerName.FromCommandLine(commandLine);

    /// <summary>The policy's audit log, in the file <c>--audit</c> names if given (instead of audit.path).</summary>
    public IAuditLog OpenAudit(
        ParseResult parseResult, CompiledPolicy policy, string serverName, ILoggerFactory loggerFactory) =>
        AuditLog.Open(policy.Audit, serverName, loggerFactory.CreateLogger<AuditLog>(), parseResult.GetValue(Audit));
}

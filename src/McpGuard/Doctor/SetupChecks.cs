using System.Net.Sockets;
using System.Reflection;
using McpGuard.Audit;
using McpGuard.ClientConfig;
using McpGuard.Desk;
using McpGuard.Policy;
using McpGuard.Policy.Settings;
using McpGuard.State;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Doctor;

/// <summary>
/// The machine-wide checks of <c>mcpguard doctor</c>: the tool and PATH, the home folder, the desk, the stores.
/// </summary>
internal static class SetupChecks
{
    private static readonly TimeSpan s_storeTimeout = TimeSpan.FromSeconds(5);

    public static IEnumerable<DoctorFinding> Tool(GuardInvocation guard, string? path)
    {
        ArgumentNullException.ThrowIfNull(guard);
        var version = typeof(SetupChecks).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var invocation = string.Join(' ', [guard.Command, .. guard.PrefixArguments]);
        yield return new DoctorFinding(DoctorLevel.Ok, "tool", $"{invocation} ({version}); wrap writes this path");
        if (CommandLookup.Locate(GuardInvocation.ToolName, path) is CommandLocation.Found(var onPath))
        {
            yield return new DoctorFinding(DoctorLevel.Ok, "PATH", $"mcpguard is {onPath}");
        }
        else
        {
            var add = GuardInvocation.IsGuardExecutable(guard.Command)
                ? $"; add: export PATH=\"{Path.GetDirectoryName(guard.Command)}:$PATH\""
                : "";
            yield return new DoctorFinding(
                DoctorLevel.Note, "PATH", $"mcpguard is not on PATH (clients do not need it){add}");
        }
    }

    /// <summary>
    /// A HOME that is not an existing absolute folder (a service or a client started with a wrong environment):
    /// client configs, <c>~/.mcpguard</c> and the <c>~/</c> paths of a policy are all looked for under it.
    /// </summary>
    public static DoctorFinding? UserHomeProblem(string? homeVariable, string userHome)
    {
        var why = !Path.IsPathFullyQualified(userHome) ? "is not an absolute path"
            : !Directory.Exists(userHome) ? "does not exist"
            : null;
        if (why is null)
        {
            return null;
        }

        var named = homeVariable is { Length: > 0 } ? $"HOME ({homeVariable})" : $"the home folder ({userHome})";
        return new DoctorFinding(
            DoctorLevel.Problem,
            "HOME",
            $"{named} {why}: client configs, ~/.mcpguard and the ~/ paths of a policy are all under it; "
                + "set HOME to your home folder (or MCPGUARD_HOME for McpGuard's own files)");
    }

    /// <summary>
    /// A relative <c>XDG_CONFIG_HOME</c> (or <c>APPDATA</c> on Windows): ignored, as the XDG Base Directory
    /// specification says, so client configs are looked for (and wrap edits them) under the default folder instead.
    /// </summary>
    public static DoctorFinding? RelativeConfigHome(Func<string, string?> environment, string userHome)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var (variable, used) = OperatingSystem.IsWindows()
            ? (ClientConfigPaths.AppDataVariable, ClientConfigPaths.AppData(environment, userHome))
            : (ClientConfigPaths.XdgVariable, ClientConfigPaths.XdgConfigHome(environment, userHome));
        return environment(variable) is { Length: > 0 } value && !Path.IsPathFullyQualified(value)
            ? new DoctorFinding(
                DoctorLevel.Note,
                variable,
                $"{variable} ({value}) is not an absolute path, so it is ignored (the XDG Base Directory "
                    + $"specification says so): client configs are looked for under {used}, and wrap edits them there")
            : null;
    }

    public static DoctorFinding Home(string home)
    {
        if (!Path.IsPathFullyQualified(home))
        {
            // MCPGUARD_HOME=mcpguard in a client's env: each guard finds it under the folder its client started it in.
            return new DoctorFinding(
                DoctorLevel.Problem,
                "home",
                $"MCPGUARD_HOME ({home}) is not an absolute path: each guard would look for it under the folder its "
                    + "client starts it in, so limits, the desk's secret and the audit log would not be shared; "
                    + "set it to an absolute path");
        }

        if (!Directory.Exists(home))
        {
            // A file where the home or one of its folders should be: no guard or desk can ever create it.
            var blocking = Path.GetFullPath(home);
            while (blocking is not null && !Path.Exists(blocking))
            {
                blocking = Path.GetDirectoryName(blocking);
            }

            return blocking is not null && File.Exists(blocking)
                ? new DoctorFinding(
                    DoctorLevel.Problem,
                    "home",
                    $"{home} cannot be created: {blocking} is a file, not a folder (limits, the desk and the audit "
                        + "log all need it); move the file or set MCPGUARD_HOME")
                : new DoctorFinding(
                    DoctorLevel.Note, "home", $"{home} does not exist yet (the first desk or guard creates it)");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(home) & (UnixFileMode)Convert.ToInt32("077", 8)) != 0)
        {
            return new DoctorFinding(
                DoctorLevel.Problem, "home", $"{home} can be read by other users; run: chmod 700 {home}");
        }

        return new DoctorFinding(DoctorLevel.Ok, "home", $"{home} (this user only)");
    }

    public static async Task<DoctorFinding> DeskAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(DeskFiles.SecretPath))
        {
            return new DoctorFinding(
                DoctorLevel.Note,
                "desk",
                "no desk has run for this user; approvals through the desk need: mcpguard desk");
        }

        var port = DeskFiles.ReadPort();
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            return new DoctorFinding(DoctorLevel.Ok, "desk", $"something answers on 127.0.0.1:{port}, the desk's port");
        }
        catch (Exception ex)
            when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DoctorFinding(
                DoctorLevel.Note,
                "desk",
                $"no desk is running on 127.0.0.1:{port}; calls that need a person cannot ask there: mcpguard desk");
        }
    }

    public static async Task<DoctorFinding> StoreAsync(
        string policyPath, CompiledPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.State.Store == StateStoreKind.Memory)
        {
            return new DoctorFinding(DoctorLevel.Ok, "store", $"{policyPath}: counters in memory, per guard");
        }

        var sqlite = policy.State.Path is { } written
            ? AuditPaths.Expand(written)
            : Path.GetFullPath(CounterStores.DefaultSqlitePath);
        if (policy.State.Store == StateStoreKind.Sqlite && !File.Exists(sqlite))
        {
            // Opening it would create it: doctor only looks.
            return new DoctorFinding(
                DoctorLevel.Ok,
                "store",
                $"{policyPath}: the SQLite file {sqlite} does not exist yet (the first counted call creates it)");
        }

        try
        {
            var store = await CounterStores.OpenAsync(policy.State, NullLogger.Instance)
                .WaitAsync(s_storeTimeout, cancellationToken);
            await using var owned = store as IAsyncDisposable;
            await store.ReadAsync(policy.CounterNamespace, TimeProvider.System.GetUtcNow(), cancellationToken)
                .AsTask()
                .WaitAsync(s_storeTimeout, cancellationToken);
            return new DoctorFinding(DoctorLevel.Ok, "store", $"{policyPath}: {store.Description} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var why = ex is TimeoutException
                ? $"no answer within {s_storeTimeout.TotalSeconds:0} s"
                : ex.Message.Split('\n')[0];
            return new DoctorFinding(
                DoctorLevel.Problem,
                "store",
                $"{policyPath}: the counter store cannot be reached ({why}); calls that need a counter are denied");
        }
    }
}

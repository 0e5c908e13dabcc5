using System.Diagnostics;
using System.Globalization;
using McpGuard.Inventory;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// A listing given up (Ctrl-C, its timeout) kills the server's process tree at once instead of waiting for the
/// server to exit on its own after its stdin closes (5 s in the inspection commands, so Ctrl-C took 5 s).
/// </summary>
public sealed class ServerConnectorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcpguard-connector-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListingGivenUp_DoesNotWaitForTheServerToExit_KillsItsTree()
    {
        var pidPipe = Path.Combine(_folder, "pids");
        using (var mkfifo = Process.Start("mkfifo", [pidPipe]))
        {
            await mkfifo.WaitForExitAsync(Ct);
        }

        // The shell never reads its stdin, so its closing does not end it, and it waits for a child that never
        // answers. With no end to the wait for the server's exit, only killing the tree ends the listing.
        var connector = ServerConnector.Starting(Timeout.InfiniteTimeSpan);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string[] commandLine = ["sh", "-c", $"sleep 600 & echo $$ $! > '{pidPipe}'; wait"];
        var listing = ServerProbe.ListToolsAsync(
            connector.Connect(commandLine, NullLoggerFactory.Instance, cancel.Token), cancel.Token);
        var pids = (await Task.Run(() => File.ReadAllText(pidPipe), Ct).WaitAsync(TestConstants.DefaultTimeout, Ct))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToList();
        try
        {
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => listing.WaitAsync(TestConstants.DefaultTimeout, Ct));
            foreach (var pid in pids)
            {
                // Killed by now; the wait only lets the kernel finish the kill (a hang guard, not a measure).
                using var process = TryGetProcess(pid);
                Assert.True(
                    process is null || process.WaitForExit(TestConstants.DefaultTimeout) || !IsRunning(pid),
                    $"process {pid} of the server's tree outlived the listing");
            }
        }
        finally
        {
            foreach (var pid in pids.Where(IsRunning))
            {
                using var left = TryGetProcess(pid);
                left?.Kill(); // not left behind by a failing test either
            }
        }
    }

    [Fact]
    public async Task ListingGivenUp_ServerSlowToDie_IsGoneWhenTheListingEnds()
    {
        // "the server was stopped too" is printed once the listing ends: the killed server must be gone by then, not
        // still exiting. Half a GiB of touched memory makes its exit take tens of milliseconds after the SIGKILL (the
        // kernel frees every page), which the listing ended well within before it waited (InspectionSignalTests saw
        // it at load). It ignores its stdin's end and the signals a polite stop would send.
        var pidPipe = Path.Combine(_folder, "slow-pid");
        using (var mkfifo = Process.Start("mkfifo", [pidPipe]))
        {
            await mkfifo.WaitForExitAsync(Ct);
        }

        var connector = ServerConnector.Starting(Timeout.InfiniteTimeSpan);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string[] commandLine = ["perl", "-e", "$SIG{$_} = 'IGNORE' for qw(INT TERM HUP); $x = 'a' x (512 << 20); "
            + $"open(my $f, '>', '{pidPipe}'); print $f $$; close $f; sleep 600"];
        var listing = ServerProbe.ListToolsAsync(
            connector.Connect(commandLine, NullLoggerFactory.Instance, cancel.Token), cancel.Token);
        var pid = int.Parse(
            // The server writes its pid once its half GiB is touched: at load ~30 that alone took over 30 s.
            await Task.Run(() => File.ReadAllText(pidPipe), Ct).WaitAsync(TestConstants.BulkTimeout, Ct),
            CultureInfo.InvariantCulture);
        try
        {
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => listing.WaitAsync(TestConstants.DefaultTimeout, Ct));
            Assert.False(IsRunning(pid), $"the killed server (pid {pid}) was still exiting when the listing ended");
        }
        finally
        {
            if (IsRunning(pid))
            {
                using var left = TryGetProcess(pid);
                left?.Kill(); // not left behind by a failing test either
            }
        }
    }

    [Fact]
    public async Task ListingAnswered_ServerIgnoresTheEndOfItsStdin_KilledWithoutWaiting()
    {
        // docs/relay.md: once listed, tools/check/pin/init do not wait for the server. With no end to that wait
        // (infinite here, 5 s in the commands), only killing the tree ends a listing whose server ignores its EOF.
        using var server = FakeServer.Create(ignoreEof: true);
        var connector = ServerConnector.Starting(Timeout.InfiniteTimeSpan);

        var listing = await McpGuard.Cli.ServerInspection.ListAsync(
                server.CommandLine, connector, verbose: false, TextWriter.Null, Ct)
            .WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(0, listing.ExitCode);
        Assert.Equal("echo", Assert.Single(listing.Inventory!.Tools).Tool.Name);
    }

    /// <summary>
    /// A token's callbacks run newest first, so what ends a given-up listing (the wait for the answer, cancelled) can
    /// close the connection before the connector's own callback has run. The close must already not wait: here the
    /// close is started by a callback registered after the connector's, with an endless shutdown wait, so only
    /// reading the token itself ends it. (CI saw the listing hang this way once in ~100 runs.)
    /// </summary>
    [Fact]
    public async Task ConnectionClosedByAnEarlierCallbackOfTheCancel_DoesNotWaitForTheServer()
    {
        var pidPipe = Path.Combine(_folder, "pids");
        using (var mkfifo = Process.Start("mkfifo", [pidPipe]))
        {
            await mkfifo.WaitForExitAsync(Ct);
        }

        var options = new StdioClientTransportOptions
        {
            Command = "sh",
            Arguments = ["-c", $"sleep 600 & echo $$ $! > '{pidPipe}'; wait"],
            ShutdownTimeout = Timeout.InfiniteTimeSpan,
        };
        using var cancel = new CancellationTokenSource();
        var transport = new AbandonableStdioTransport(options, NullLoggerFactory.Instance, cancel.Token);
        var connection = await transport.ConnectAsync(Ct);
        var pids = (await Task.Run(() => File.ReadAllText(pidPipe), Ct).WaitAsync(TestConstants.DefaultTimeout, Ct))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToList();
        try
        {
            var closed = Task.CompletedTask;
            using (cancel.Token.Register(() => closed = connection.DisposeAsync().AsTask()))
            {
                await cancel.CancelAsync();
            }

            await closed.WaitAsync(TestConstants.DefaultTimeout, Ct);
        }
        finally
        {
            foreach (var pid in pids.Where(IsRunning))
            {
                using var left = TryGetProcess(pid);
                left?.Kill(); // ends a close that waits for the server, on failure
            }
        }
    }

    /// <summary>
    /// The connector's watch on the listing's token is the connection's: once the connection is closed, a token that
    /// outlives it (a caller's longer-lived one) neither holds the connection's options nor reaches into them.
    /// </summary>
    [Fact]
    public async Task ConnectionClosed_TokenCancelledAfterwards_LeavesTheConnectionAlone()
    {
        using var server = FakeServer.Create();
        var shutdownTimeout = TimeSpan.FromSeconds(5);
        var options = new StdioClientTransportOptions
        {
            Command = server.CommandLine[0],
            Arguments = [.. server.CommandLine.Skip(1)],
            ShutdownTimeout = shutdownTimeout,
        };
        using var outlives = new CancellationTokenSource();

        var transport = new AbandonableStdioTransport(options, NullLoggerFactory.Instance, outlives.Token);
        await ServerProbe.ListToolsAsync(transport, Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);
        await outlives.CancelAsync();

        Assert.Equal(shutdownTimeout, options.ShutdownTimeout);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Process? TryGetProcess(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Running, not a zombie waiting for its parent to reap it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}

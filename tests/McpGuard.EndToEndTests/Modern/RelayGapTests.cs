using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Modern;

/// <summary>
/// Three relay gaps an independent suite found: JSON that is not JSON-RPC, EPIPE on our stdout, a value split by a raw
/// CR.
/// </summary>
public sealed class RelayGapTests
{
    private const string Policy = "version: 1\ndefault: allow\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Before every answer it writes a JSON object that is not a JSON-RPC message.</summary>
    private const string Noisy = """
        const rl = require('readline').createInterface({ input: process.stdin });
        rl.on('line', l => { const m = JSON.parse(l); if (m.id === undefined) return;
          console.log(JSON.stringify({ hello: 'not json-rpc', id: m.id }));
          console.log(JSON.stringify({ jsonrpc: '1.0', id: m.id, result: {} }));
          console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { ok: true } })); });
        rl.on('close', () => process.exit(0));
        """;

    [Fact]
    public async Task ChildWritesJsonThatIsNotJsonRpc_NotForwarded()
    {
        await using var guard = RawGuard.Start(Policy, Scripts.Node(Noisy));

        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");

        // Lines arrive in order, so the first line is the only one the child wrote that was forwarded.
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":{"ok":true}}""", await guard.ReadLineAsync());
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":{"ok":true}}""", await guard.ReadLineAsync());
    }

    [Fact]
    public async Task TwoValuesSplitByRawCr_AnsweredWithIdNull()
    {
        await using var guard = RawGuard.Start(Policy, Scripts.Node(Scripts.Silent));

        await guard.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r{\"jsonrpc\":\"2.0\","
                + "\"id\":2,\"method\":\"ping\"}");

        Assert.StartsWith(
            """{"jsonrpc":"2.0","id":null,"error":{"code":-32600""", await guard.ReadLineAsync(),
            StringComparison.Ordinal);
    }

    /// <summary>
    /// The client closes its end of the guard's stdout while an answer is pending: guard and server end, as on client
    /// EOF.
    /// </summary>
    /// <summary>The members a modern-era call carries in its params (2026-07-28).</summary>
    private const string ModernMeta = ""","_meta":"""
        + """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
        + """{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}""";

    [Theory]
    [InlineData("legacy")]
    [InlineData("modern")]
    public async Task ClientClosesOurStdout_GuardAndServerExit(string era)
    {
        var policyPath = TempFiles.Write("policy.yaml", Policy);
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (var argument in (string[])[
            RepoPaths.GuardDll, "run", "--policy", policyPath, "--shutdown-timeout", "2", "--", "node",
            RepoPaths.V2Server])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var guard = Process.Start(startInfo)!;
        var serverPid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = Task.Run(async () =>
        {
            while (await guard.StandardError.ReadLineAsync(Ct) is { } line)
            {
                if (line.StartsWith("SERVER PID ", StringComparison.Ordinal))
                {
                    serverPid.TrySetResult(
                        int.Parse(line["SERVER PID ".Length..], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }, Ct);
        try
        {
            var meta = era == "modern" ? ModernMeta : "";
            if (era == "legacy")
            {
                const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
                    + """{"protocolVersion":"2025-11-25","capabilities":{}"""
                    + ""","clientInfo":{"name":"raw","version":"1"}}}""";
                await guard.StandardInput.WriteLineAsync(Initialize.AsMemory(), Ct);
                await guard.StandardInput.FlushAsync(Ct);
                await guard.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct);
            }

            var pid = await serverPid.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
            guard.StandardOutput.Close();
            await guard.StandardInput.WriteLineAsync(
                ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"wait_ms\",\"arguments\":{\"ms\":100}" + meta + "}}").AsMemory(),
                Ct);
            await guard.StandardInput.FlushAsync(Ct);

            // The guard's stdin stays open: only the broken stdout can end it.
            await guard.WaitForExitAsync(Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);
            Assert.False(IsRunning(pid), $"server pid {pid} outlived the guard");
        }
        finally
        {
            if (!guard.HasExited)
            {
                guard.Kill(entireProcessTree: true);
            }

            await stderr.WaitAsync(TestConstants.DefaultTimeout, Ct);
            File.Delete(policyPath);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The TypeScript SDK v2 client (tests/npm/v2/client.mjs) running one scenario against the built guard in front of
/// the v2 server. Its stdout is one JSON line per step; the guard's stderr (with the server's, passed through) is kept.
/// </summary>
internal sealed class V2ClientRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _steps = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _seen = [];
    private readonly Task _readers;

    private V2ClientRun(Process process, string policyPath)
    {
        _process = process;
        PolicyPath = policyPath;
        _readers = Task.WhenAll(ReadStepsAsync(), ReadStderrAsync());
    }

    public string PolicyPath { get; }

    /// <summary>The guard's stderr so far, which carries the server's <c>RAN tool {args}</c> lines.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <param name="era">"auto" for the 2026-07-28 era, "legacy" for 2025.</param>
    /// <param name="approve">What the person answers an elicitation: yes or no.</param>
    /// <param name="pick">The tool the client's model picks when a server asks it to, as JSON
    /// <c>{"name":…,"input":{…}}</c>.</param>
    /// <param name="server">How the guard reaches its server: by default <c>-- node v2/server.mjs</c>; e.g. <c>--url
    /// URL</c>.</param>
    public static V2ClientRun Start(
        string era, string scenario, string policyYaml, string approve = "yes", string? pick = null,
        IReadOnlyList<string>? server = null, IDictionary<string, string>? environment = null)
    {
        var policyPath = TempFiles.Write("policy.yaml", policyYaml);
        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.V2Client)!,
        };
        startInfo.Environment["APPROVE"] = approve;
        // A home of its own: no desk of another test (or of the machine's user) is found, and no state is shared.
        startInfo.Environment["MCPGUARD_HOME"] = Directory.CreateTempSubdirectory("mcpguard-v2-home-").FullName;
        if (pick is not null)
        {
            startInfo.Environment["PICK"] = pick;
        }
        string[] arguments =
        [
            RepoPaths.V2Client, era, scenario, "--",
            "dotnet", RepoPaths.GuardDll, "run", "--policy", policyPath, "--log-level", "Information",
            .. server ?? ["--", "node", RepoPaths.V2Server],
        ];
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return new V2ClientRun(Process.Start(startInfo)!, policyPath);
    }

    /// <summary>The next step the client printed with this name (earlier steps of other names are skipped).</summary>
    public async Task<JsonElement> StepAsync(string name)
    {
        while (true)
        {
            var step = await NextAsync(name);
            if (step.GetProperty("step").GetString() == name)
            {
                return step;
            }
        }
    }

    /// <summary>The next step; when the client ended first, a failure that shows what it and the guard said.</summary>
    private async Task<JsonElement> NextAsync(string waitingFor)
    {
        try
        {
            var step = await _steps.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask()
                .WaitAsync(TestConstants.DefaultTimeout);
            _seen.Add(step.GetRawText());
            return step;
        }
        catch (ChannelClosedException)
        {
            await _readers.WaitAsync(TestConstants.DefaultTimeout);
            throw new InvalidOperationException(
                $"the client ended before the step '{waitingFor}'; its steps:\n{string.Join("\n", _seen)}\n" +
                $"its stderr and the guard's:\n{Stderr}");
        }
    }

    /// <summary>Every step until (and with) the one named <paramref name="last"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> StepsUntilAsync(string last)
    {
        var steps = new List<JsonElement>();
        while (true)
        {
            var step = await NextAsync(last);
            steps.Add(step);
            if (step.GetProperty("step").GetString() == last)
            {
                return steps;
            }
        }
    }

    /// <summary>Text of a step's tool result (its first content item), or null when it has none.</summary>
    public static string? ResultText(JsonElement step) =>
        step.TryGetProperty("result", out var result) && result.TryGetProperty("content", out var content)
            && content.GetArrayLength() > 0
            ? content[0].GetProperty("text").GetString()
            : null;

    public void CloseStdin() => _process.StandardInput.Close();

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestConstants.DefaultTimeout);
        await _readers.WaitAsync(TestConstants.DefaultTimeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        File.Delete(PolicyPath);
    }

    private async Task ReadStepsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            _steps.Writer.TryWrite(document.RootElement.Clone());
        }

        _steps.Writer.TryComplete();
    }

    private async Task ReadStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }
}

using System.Text;
using McpGuard.Cli;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Cli;

public sealed class StderrLoggerProviderTests
{
    [Fact]
    public void Write_HostileToolName_StaysOneLineWithoutEscapes()
    {
        // An agent's tool name, as the gate logs an unknown one: a newline and a fake record after it, and a
        // terminal escape that would clear the screen.
        const string name = "x\u001b[2J\n20:00:00.000 info: McpGuard.Session.ToolCallGate[1] Allowed tool y.\u202E";
        using var stderr = new MemoryStream();
        using var provider = new StderrLoggerProvider(stderr, colors: false);

        provider.CreateLogger("McpGuard.Session.ToolCallGate").Log(
            LogLevel.Warning,
            new EventId(7),
            name,
            null,
            (tool, _) => $"Unknown or hidden tool {tool}: not forwarded.");

        var text = Encoding.UTF8.GetString(stderr.ToArray());
        Assert.EndsWith(
            "warn: McpGuard.Session.ToolCallGate[7] Unknown or hidden tool x\\u001B[2J\\u000A20:00:00.000 info: "
                + "McpGuard.Session.ToolCallGate[1] Allowed tool y.\\u202E: not forwarded.\n",
            text,
            StringComparison.Ordinal);
        Assert.Equal(1, text.Count(c => c == '\n'));
    }

    [Fact]
    public void Write_Colors_OnlyAroundTheLevel()
    {
        using var stderr = new MemoryStream();
        using var provider = new StderrLoggerProvider(stderr, colors: true);

        provider.CreateLogger("C").Log(LogLevel.Information, new EventId(1), "plain", null, (s, _) => s);

        var text = Encoding.UTF8.GetString(stderr.ToArray());
        Assert.EndsWith("\u001B[32minfo\u001B[39m\u001B[22m\u001B[49m: C[1] plain\n", text, StringComparison.Ordinal);
    }
}

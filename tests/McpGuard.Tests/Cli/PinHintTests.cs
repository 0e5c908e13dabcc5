using McpGuard.Cli;

namespace McpGuard.Tests.Cli;

/// <summary>Hints name the real policy and server, pasteable into a POSIX shell.</summary>
public sealed class PinHintTests
{
    [Fact]
    public void Command_PlainArguments_AreWrittenAsTheyAre()
    {
        Assert.Equal(
            "mcpguard pin --policy /home/me/policy.yaml -- uvx bybit-mcp --seed=7",
            PinHint.Command("/home/me/policy.yaml", ["uvx", "bybit-mcp", "--seed=7"]));
    }

    [Fact]
    public void Command_SpacesAndQuotes_AreSingleQuoted()
    {
        Assert.Equal(
            "mcpguard pin --policy '/home/me/my policies/p.yaml' -- node 'it'\\''s.js' ''",
            PinHint.Command("/home/me/my policies/p.yaml", ["node", "it's.js", ""]));
    }
}

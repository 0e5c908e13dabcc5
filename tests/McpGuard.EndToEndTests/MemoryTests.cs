using System.Globalization;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// docs/relay.md#flow-control-and-memory and README.md#performance: big messages pass whole both ways, and the guard's
/// memory stays bounded by them.
/// </summary>
public sealed class MemoryTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Run_TwentyMegabyteMessagesBothWays_ArriveWholeAndPeakMemoryStaysUnderThreeTimesPlus100MiB()
    {
        await using var guard = RawGuard.Start("version: 1\ndefault: allow\n", Scripts.Node(Scripts.BigAnswers));
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await guard.ReadLineContainingAsync("\"id\":1");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        await guard.ReadLineContainingAsync("\"id\":2");

        // Three 20 MB answers, then a 20 MB request (its argument is checked by the policy on the way).
        var lengths = new List<int>();
        for (var id = 3; id <= 5; id++)
        {
            await guard.SendAsync(
                "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture)
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"big\",\"arguments\":{}}}");
            lengths.Add((await guard.ReadLineAsync()).Length);
        }

        var pad = new string('y', 20 * MiB);
        await guard.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"big\",\"arguments\":{\"pad\":\"" + pad + "\"}}}");
        using var answer = JsonDocument.Parse(await guard.ReadLineAsync());
        var peakMiB = PeakMemoryMiB(guard.Pid);

        Assert.All(lengths, length => Assert.True(length > 20 * MiB, $"an answer arrived with {length} characters"));
        Assert.True(
            answer.RootElement.GetProperty("result").GetProperty("structuredContent").GetProperty("requestBytes")
                .GetInt32() > 20 * MiB);
        Assert.True(peakMiB < (3 * 20) + 100, $"peak resident memory of the guard was {peakMiB:0} MiB");
    }

    /// <summary>VmHWM: the highest resident set size the process has had.</summary>
    private static double PeakMemoryMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(
            line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}

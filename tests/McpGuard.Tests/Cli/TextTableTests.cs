using System.Text.RegularExpressions;
using McpGuard.Cli;
using Spectre.Console;

namespace McpGuard.Tests.Cli;

/// <summary>
/// The tables of tools, limits and audit: whole names at 80 columns, plain unpadded lines into a pipe.
/// </summary>
public sealed partial class TextTableTests
{
    private static TextTable Inventory()
    {
        var table = new TextTable("tool", "risk", "policy", "decided by", "limits").Wrapping(4);
        table.AddRow("get_server_time", "read", new TextCell("allowed", "green"), "risk.read", "");
        table.AddRow(
            "switch_cross_isolated_margin", "write", new TextCell("conditional", "blue"),
            "tools.switch_cross_isolated_margin",
            "rate limit of 10 per 1m; budget of qty up to 0.5 per 24h");
        table.AddRow("evil\u001b[2J", "unknown", "denied", "default", "");
        return table;
    }

    [Fact]
    public void PlainLines_Piped_AlignedTwoSpacesApartWithNothingPaddedAtTheEnd()
    {
        var lines = Inventory().PlainLines().ToList();

        Assert.Equal(4, lines.Count);
        Assert.Equal(
            "tool                          risk     policy       decided by                          limits", lines[0]);
        Assert.Equal("get_server_time               read     allowed      risk.read", lines[1]);
        Assert.StartsWith(
            "switch_cross_isolated_margin  write    conditional  tools.switch_cross_isolated_margin  rate limit",
            lines[2], StringComparison.Ordinal);
        Assert.Equal("evil\\u001B[2J                 unknown  denied       default", lines[3]);
        Assert.All(lines, l => Assert.Equal(l.TrimEnd(), l));
    }

    [Fact]
    public void PlainLines_RightAlignedColumn_PadsOnTheLeft()
    {
        var table = new TextTable("tool", "allow", "total").RightAligned(1, 2);
        table.AddRow("get_tickers", "12", "120");
        table.AddRow("place_order", "3", "4");

        Assert.Equal(
            ["tool         allow  total", "get_tickers     12    120", "place_order      3      4"],
            table.PlainLines());
    }

    [Fact]
    public void Write_TerminalOf80Columns_WrapsOnlyTheFreeTextAndNeverBreaksAName()
    {
        var (console, output) = Terminal(80);
        var table = new TextTable("tool", "risk", "policy", "decided by", "limits").Wrapping(4);
        table.AddRow("get_server_time", "read", new TextCell("allowed", "green"), "risk.read", "");
        table.AddRow("place_order", "write", new TextCell("conditional", "blue"), "tools.place_order",
            "rate limit of 10 per 1m; budget of qty up to 0.5 per 24h; shared with amend_order and batch_place_order");

        table.Write(console);

        var lines = AnsiEscape().Replace(output.ToString(), "").Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"{l.Length}: {l}"));
        Assert.Contains(lines, l => l.Contains("get_server_time", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("tools.place_order", StringComparison.Ordinal));
        Assert.True(lines.Count(l => l.Trim().Length > 0) > 5, "the limits text wraps onto more lines");
    }

    [Fact]
    public void Write_TerminalTooNarrowForTheNames_PrintsWholeNamesOnPlainLines()
    {
        var (console, output) = Terminal(80);

        Inventory().Write(console);

        var text = output.ToString();
        Assert.Contains(
            "switch_cross_isolated_margin  write    conditional  tools.switch_cross_isolated_margin", text,
            StringComparison.Ordinal);
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", text, StringComparison.Ordinal);
    }

    private static (IAnsiConsole Console, StringWriter Output) Terminal(int width)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return (console, output);
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}

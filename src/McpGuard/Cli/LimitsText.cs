using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// The <c>mcpguard limits</c> table: colour only on a terminal, every name and value through the sanitiser.
/// </summary>
internal static class LimitsText
{
    public static void Write(
        TextWriter output, string store, string counterNamespace, IReadOnlyList<LimitRow> rows, DateTimeOffset now)
    {
        var console = Terminal.Create(output);
        console.MarkupLine($"[bold]Limits[/] in {Safe(store)}, namespace {Safe(counterNamespace)}");
        if (rows.Count == 0)
        {
            console.MarkupLine("The policy has no rate_limit or budget.");
            return;
        }

        var table = new TextTable("entry", "kind", "window", "per", "used", "max", "frees up")
            .Wrapping(3)
            .RightAligned(4, 5);
        foreach (var row in rows)
        {
            table.AddRow(
                row.Entry,
                CounterKinds.Word(row.Kind),
                Duration(row.Window),
                Per(row),
                Used(row),
                row.Max.ToString(),
                row.FreesUpAt is { } at ? "in " + Duration(at - now) : "-");
        }

        table.Write(console);
    }

    private static TextCell Used(LimitRow row)
    {
        if (row.Used is not { } used)
        {
            return new("session", "grey");
        }

        return new(used.ToString(), used >= row.Max ? "red" : used > StrictDecimal.Zero ? "yellow" : null);
    }

    private static string Per(LimitRow row) =>
        row.Per.Count > 0 ? string.Join(", ", row.Per.Select(p => $"{p.Path}={p.Value}"))
        : row.PerPaths.Count > 0 ? string.Join(", ", row.PerPaths.Select(p => $"{p}=…"))
        : "-";

    /// <summary>A wait as a person reads it, as a refusal's "retry after" says it (<see cref="WaitText"/>).</summary>
    public static string Duration(TimeSpan span) => WaitText.Of(span);

    private static string Safe(string text) => Markup.Escape(TerminalText.Printable(text));
}

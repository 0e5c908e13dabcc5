
namespace McpGuard.Pins;

/// <summary>
/// <c>mcpguard pin</c>'s report: each added, changed (with its diff) and removed tool, then the counts. Every
/// line holds server text, so every line goes through the terminal sanitiser.
/// </summary>
internal static class PinReportText
{
    public static async Task WriteAsync(TextWriter output, PinReport report, string lockFile, bool existed)
    {
        if (!existed)
        {
            await output.WriteLineAsync($"{lockFile}: no lock file yet; pinning {report.Added.Count} tools.");
        }
        else
        {
            foreach (var tool in report.Added)
            {
                await Line(output, $"added:   {tool.Name}");
            }

            foreach (var change in report.Changed)
            {
                await Line(output, $"changed: {change.Listed.Name}");
                foreach (var line in PinDiff.Lines(change.Pinned, change.Listed))
                {
                    await Line(output, "    " + line);
                }
            }

            foreach (var tool in report.Removed)
            {
                await Line(output, $"removed: {tool.Name}");
            }
        }

        await output.WriteLineAsync(
            $"{report.Added.Count + report.Changed.Count + report.Unchanged} tools on the server: "
                + $"{report.Added.Count} added, {report.Changed.Count} changed, "
                + $"{report.Removed.Count} removed, {report.Unchanged} unchanged"
                + $"{(existed && !report.HasDrift ? " (no drift)" : "")}.");
    }

    private static Task Line(TextWriter output, string text) => output.WriteLineAsync(TerminalText.Printable(text));
}

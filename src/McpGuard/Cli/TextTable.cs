using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// The tables of <c>tools</c>, <c>limits</c> and <c>audit</c>. On a terminal: a Spectre table in which names
/// (tools, entries, rules) are never broken mid-word, only the free-text columns wrap to fit the width (80 columns
/// included). Into a pipe or a file: plain aligned columns, two spaces apart, no border, nothing padded past a row's
/// last cell, so <c>grep</c>, <c>cut</c> and diffs see the text as it is.
/// </summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _right;
    private readonly bool[] _wraps;
    private readonly List<TextCell[]> _rows = [];

    public TextTable(params string[] headers)
    {
        _headers = headers;
        _right = new bool[headers.Length];
        _wraps = new bool[headers.Length];
    }

    public int Rows => _rows.Count;

    /// <summary>Numbers: aligned on the right in both forms.</summary>
    public TextTable RightAligned(params int[] columns)
    {
        foreach (var column in columns)
        {
            _right[column] = true;
        }

        return this;
    }

    /// <summary>
    /// Free text (reasons, limits) that may wrap on a terminal; every other column keeps its cells whole.
    /// </summary>
    public TextTable Wrapping(params int[] columns)
    {
        foreach (var column in columns)
        {
            _wraps[column] = true;
        }

        return this;
    }

    /// <summary>Cells as plain text (made printable here); a style only colours them on a terminal.</summary>
    public void AddRow(params TextCell[] cells) => _rows.Add(cells);

    public void Write(IAnsiConsole console)
    {
        if (console.Profile.Capabilities.Ansi && FitsWhole(console.Profile.Width))
        {
            console.Write(Spectre());
            return;
        }

        // A pipe, or a terminal too narrow for the names themselves: whole names on long lines beat broken ones
        // (a table that cannot fit collapses to "…" in Spectre).

        foreach (var line in PlainLines())
        {
            console.Profile.Out.Writer.WriteLine(line);
        }
    }

    /// <summary>
    /// The piped form, line by line: header first, columns as wide as their widest cell, right ends trimmed.
    /// </summary>
    public IEnumerable<string> PlainLines()
    {
        string[][] texts = [_headers, .. _rows.Select(r => r.Select(c => TerminalText.Printable(c.Text)).ToArray())];
        var widths = Enumerable.Range(0, _headers.Length)
            .Select(i => texts.Max(row => i < row.Length ? row[i].Length : 0))
            .ToArray();
        foreach (var row in texts)
        {
            var cells = row.Select((text, i) => _right[i] ? text.PadLeft(widths[i]) : text.PadRight(widths[i]));
            yield return string.Join("  ", cells).TrimEnd();
        }
    }

    /// <summary>
    /// Whether the columns that must not wrap, at their widest cell, leave the free-text columns some room:
    /// Spectre's simple border takes about three columns per column.
    /// </summary>
    private bool FitsWhole(int width)
    {
        const int FreeTextRoom = 12;
        var needed = 0;
        for (var i = 0; i < _headers.Length; i++)
        {
            var widest = _rows.Select(r => i < r.Length ? TerminalText.Printable(r[i].Text).Length : 0)
                .Append(_headers[i].Length)
                .Max();
            needed += (_wraps[i] ? Math.Min(widest, FreeTextRoom) : widest) + 3;
        }

        return needed <= width;
    }

    private Table Spectre()
    {
        var table = new Table().Border(TableBorder.Simple);
        for (var i = 0; i < _headers.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(_headers[i])) { NoWrap = !_wraps[i] };
            table.AddColumn(_right[i] ? column.RightAligned() : column);
        }

        foreach (var row in _rows)
        {
            table.AddRow(row.Select(c => c.Style is { } style
                ? $"[{style}]{Markup.Escape(TerminalText.Printable(c.Text))}[/]"
                : Markup.Escape(TerminalText.Printable(c.Text))).ToArray());
        }

        return table;
    }
}

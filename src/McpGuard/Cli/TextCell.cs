namespace McpGuard.Cli;

/// <summary>
/// One cell of a <see cref="TextTable"/>: its text (data, made printable when written) and a Spectre colour.
/// </summary>
internal readonly record struct TextCell(string Text, string? Style = null)
{
    public static implicit operator TextCell(string text) => new(text);
}

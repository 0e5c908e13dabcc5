using System.Text;

namespace McpGuard.BybitSimulator;

/// <summary>
/// A JSON text with the whitespace between tokens taken out and every other byte kept: strings keep their exact
/// escapes and keys their order. The real server (Python, <c>ensure_ascii=False</c>) writes its answers compact
/// like this, so the pretty-printed <c>bybit-tools.json</c> compacted is its <c>tools/list</c> result byte for byte.
/// </summary>
internal static class CompactJson
{
    public static string Compact(string json)
    {
        var compact = new StringBuilder(json.Length);
        var inString = false;
        var escaped = false;
        foreach (var c in json)
        {
            if (inString)
            {
                compact.Append(c);
                escaped = !escaped && c == '\\';
                inString = escaped || c != '"';
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                compact.Append(c);
                inString = c == '"';
            }
        }

        return compact.ToString();
    }
}

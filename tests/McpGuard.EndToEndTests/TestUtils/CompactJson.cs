using System.Text;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A JSON text without the whitespace between tokens, every other character kept (escapes, key order): how a
/// compact writer such as Python's <c>json</c> puts a pretty-printed document on the wire.
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

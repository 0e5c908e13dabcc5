using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// A <c>[</c> or <c>{</c> that is never closed. YamlDotNet reports it where it gave up looking for the end, often
/// the end of the file, far from the bracket to fix; the text is scanned again to find where it was opened.
/// </summary>
internal static class UnclosedFlow
{
    /// <summary>
    /// The error at the innermost bracket still open when the text ends or a closer of the other kind comes; null
    /// when every bracket is closed, when the scan itself fails (a broken quote is its own error), or when the open
    /// bracket comes after <paramref name="failedAt"/> (YamlDotNet's error was another, earlier one).
    /// </summary>
    public static PolicyError? Find(string text, string source, Mark failedAt)
    {
        var open = new Stack<Token>();
        var scanner = new Scanner(new StringReader(text));
        // YamlDotNet's scanner, run without its parser, can yield tokens forever on some broken text (seen on the
        // property tests' one-character changes): every real token takes at least one character, so more tokens than
        // characters means it is not reading any more, and YamlDotNet's own place stands.
        var tokensLeft = text.Length + 16;
        try
        {
            while (scanner.MoveNext())
            {
                if (--tokensLeft < 0)
                {
                    return null;
                }

                switch (scanner.Current)
                {
                    case FlowSequenceStart or FlowMappingStart:
                        open.Push(scanner.Current);
                        break;
                    case FlowSequenceEnd or FlowMappingEnd when open.TryPeek(out var opened):
                        if ((opened is FlowSequenceStart) == (scanner.Current is FlowSequenceEnd))
                        {
                            open.Pop();
                            break;
                        }

                        return Error(source, opened, failedAt, $"; the {Closer(scanner.Current)} at line "
                            + $"{scanner.Current.Start.Line}, column {scanner.Current.Start.Column} comes first");
                }
            }
        }
        catch (YamlException)
        {
            // A broken quote or the like: its own error, at its own place.
            return null;
        }
        catch (InvalidOperationException)
        {
            // What YamlDotNet's scanner throws for the block text it meets inside a bracket left open: that bracket.
            // With none open it is the scanner lost in other broken text, whose own error YamlDotNet gave.
            return open.TryPeek(out var inside) ? Error(source, inside, failedAt, "") : null;
        }

        return open.TryPeek(out var unclosed) ? Error(source, unclosed, failedAt, "") : null;
    }

    private static PolicyError? Error(string source, Token opened, Mark failedAt, string more)
    {
        if (opened.Start.Index > failedAt.Index && failedAt.Index > 0)
        {
            return null;
        }

        var bracket = opened is FlowSequenceStart ? "[" : "{";
        var closer = opened is FlowSequenceStart ? "]" : "}";
        return new PolicyError(source, (int)opened.Start.Line, (int)opened.Start.Column, "$",
            $"this {bracket} is never closed: its {closer} is missing{more}");
    }

    private static string Closer(Token token) => token is FlowSequenceEnd ? "]" : "}";
}

namespace McpGuard.Policy.Results;

/// <summary>What the result rules make of one string of a result.</summary>
internal abstract record TextVerdict
{
    private TextVerdict()
    {
    }

    /// <summary>Nothing matched: the string stays as it is.</summary>
    internal sealed record Clean : TextVerdict
    {
        public static readonly Clean Instance = new();
    }

    /// <summary>A <c>block</c> detector matched: the whole result is replaced by a denial.</summary>
    internal sealed record Blocked(string Detector) : TextVerdict;

    /// <summary>Every <c>redact</c> match replaced by <c>[redacted: NAME]</c>.</summary>
    internal sealed record Redacted(string Text) : TextVerdict;
}

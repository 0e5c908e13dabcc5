namespace McpGuard.Redaction;

/// <summary>What the result rules made of one answer (<see cref="ResultFilter"/>).</summary>
internal abstract record FilteredResult
{
    private static readonly IReadOnlyDictionary<string, int> s_none = new Dictionary<string, int>();

    private FilteredResult(IReadOnlyDictionary<string, int> counts) => Counts = counts;

    /// <summary>Matches per detector, for the audit and the log: names and counts, never the text.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    /// <summary>Nothing matched: the original bytes go on, untouched.</summary>
    internal sealed record Untouched : FilteredResult
    {
        public static readonly Untouched Instance = new();

        private Untouched()
            : base(s_none)
        {
        }
    }

    /// <summary>
    /// The same message with each match replaced by <c>[redacted: NAME]</c>; every other byte as it was.
    /// </summary>
    internal sealed record Redacted(byte[] Line, IReadOnlyDictionary<string, int> Matches) : FilteredResult(Matches);

    /// <summary>A <c>block</c> detector matched: the answer is replaced by a denial.</summary>
    internal sealed record Blocked(string Detector, IReadOnlyDictionary<string, int> Matches) : FilteredResult(Matches);

    /// <summary>The answer is larger than <c>max_bytes</c>: replaced by a denial saying its size.</summary>
    internal sealed record TooLarge(long Bytes, long Limit) : FilteredResult(s_none);
}

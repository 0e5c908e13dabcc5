namespace McpGuard.Policy.Results;

/// <summary>
/// What a policy does with the answers that reach the model (<c>results:</c>, docs/results.md): detectors whose
/// matches are redacted, detectors whose match blocks the whole result, and a size cap. A <c>tools</c> entry's rules
/// add to the global ones.
/// </summary>
internal sealed record ResultRules
{
    public static readonly ResultRules None = new();

    public IReadOnlyList<TextDetector> Redact { get; init; } = [];

    public IReadOnlyList<TextDetector> Block { get; init; } = [];

    /// <summary>A result larger than this (the whole JSON-RPC message, in bytes) is replaced by a denial.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>True when results must be read at all (some detector is named).</summary>
    public bool ScansText => Redact.Count > 0 || Block.Count > 0;

    public bool IsEmpty => !ScansText && MaxBytes is null;

    /// <summary>
    /// These rules with <paramref name="more"/> on top: both lists of detectors, the smaller size cap.
    /// </summary>
    public ResultRules With(ResultRules more) => more.IsEmpty ? this : IsEmpty ? more : new ResultRules
    {
        Redact = [.. Redact.Concat(more.Redact).DistinctBy(d => d.Name)],
        Block = [.. Block.Concat(more.Block).DistinctBy(d => d.Name)],
        MaxBytes = MaxBytes is { } mine && more.MaxBytes is { } theirs
            ? Math.Min(mine, theirs)
            : MaxBytes ?? more.MaxBytes,
    };

    /// <summary>A scanner for one result: it keeps the counts of that result's matches.</summary>
    public ResultScanner StartScan() => new(this);
}

namespace McpGuard.Policy.Proving;

/// <summary>How a call of a failing case differed from what the case expected.</summary>
internal enum CaseMismatch
{
    /// <summary>The guard would decide otherwise (e.g. allow where the case expects deny).</summary>
    Verdict,

    /// <summary>The decision is the expected one, but its reason does not contain the expected text.</summary>
    Reason,

    /// <summary>
    /// The decision is as expected, but the result rules do otherwise with the sample answer (<c>expect_result</c>).
    /// </summary>
    Result,
}

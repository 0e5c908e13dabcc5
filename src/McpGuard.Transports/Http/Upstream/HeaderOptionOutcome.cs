namespace McpGuard.Http.Upstream;

/// <summary>What one <c>--header</c> became: a header to send, or why it is a usage error.</summary>
internal abstract record HeaderOptionOutcome
{
    private HeaderOptionOutcome()
    {
    }

    public sealed record Parsed(UpstreamHeader Header) : HeaderOptionOutcome;

    /// <summary>The reason, safe to print: it names the header and the variable, never a value.</summary>
    public sealed record Invalid(string Reason) : HeaderOptionOutcome;
}

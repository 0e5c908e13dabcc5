namespace McpGuard.Http;

/// <summary>What reading a POST body gave: the whole body, or a body over the message limit (answered 413).</summary>
internal abstract record BodyRead
{
    private BodyRead()
    {
    }

    /// <summary>The body, on one line for the relay.</summary>
    public sealed record Whole(byte[] Bytes) : BodyRead;

    /// <summary>Longer than the message limit: read no further.</summary>
    public sealed record TooLarge : BodyRead
    {
        public static readonly TooLarge Instance = new();
    }
}

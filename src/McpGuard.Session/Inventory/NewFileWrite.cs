namespace McpGuard.Inventory;

/// <summary>How writing a <see cref="NewFile"/> ended.</summary>
internal abstract record NewFileWrite
{
    private NewFileWrite()
    {
    }

    public sealed record Written : NewFileWrite;

    /// <param name="Why">What is wrong, in words, without the path.</param>
    /// <param name="ByUser">The path given is wrong (a usage error), rather than the machine refusing.</param>
    public sealed record Failed(string Why, bool ByUser) : NewFileWrite;
}

namespace McpGuard.Stdio;

/// <summary>What <see cref="CommandLookup"/> found for a command.</summary>
internal abstract record CommandLocation
{
    private CommandLocation()
    {
    }

    /// <summary>The file a start would run.</summary>
    public sealed record Found(string File) : CommandLocation;

    /// <summary>A path that does not exist.</summary>
    public sealed record Missing : CommandLocation;

    /// <summary>A path that exists but may not be executed.</summary>
    public sealed record NotExecutable : CommandLocation;

    /// <summary>A bare name with no executable of that name on PATH.</summary>
    public sealed record NotOnPath : CommandLocation;
}

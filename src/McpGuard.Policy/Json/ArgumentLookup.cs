namespace McpGuard.Policy.Json;

/// <summary>What resolving an argument path found.</summary>
internal enum ArgumentLookup
{
    Missing,
    Found,

    /// <summary>
    /// An object on the path has a key that cannot be decoded, so whether the name is there is unknown.
    /// </summary>
    Unreadable,
}

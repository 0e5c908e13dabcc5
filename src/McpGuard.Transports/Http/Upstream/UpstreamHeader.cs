namespace McpGuard.Http.Upstream;

/// <summary>
/// One header of the guard's own (<c>--header 'NAME: VALUE'</c>, <c>${ENV}</c> already expanded). The value is a
/// credential more often than not: <see cref="ToString"/> shows the name only, so no log or exception prints it.
/// </summary>
internal sealed class UpstreamHeader(string name, string value)
{
    public string Name { get; } = name;

    public string Value { get; } = value;

    public override string ToString() => Name + ": (value not shown)";
}

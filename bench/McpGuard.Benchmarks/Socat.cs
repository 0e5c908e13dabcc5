namespace McpGuard.Benchmarks;

/// <summary>
/// <c>socat</c> (Debian) as the floor of a relay: C, copies bytes between the client and a child without looking
/// at them. The child's command is split on spaces by socat's EXEC address, so its parts must have none.
/// </summary>
internal static class Socat
{
    private const string Path = "/usr/bin/socat";

    public static bool IsInstalled => File.Exists(Path);

    public static string[] Relay(IReadOnlyList<string> child) => [Path, "STDIO", "EXEC:" + string.Join(' ', child)];
}

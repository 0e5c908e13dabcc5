namespace McpGuard.Policy.Yaml;

/// <summary>One problem in a policy file, located so a person can go straight to it.</summary>
internal sealed record PolicyError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {Path}: {Message}" : $"{File}: {Path}: {Message}";
}

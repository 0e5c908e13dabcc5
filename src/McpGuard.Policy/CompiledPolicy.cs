namespace McpGuard.Policy;

/// <summary>A validated, immutable policy. Only <see cref="PolicyLoader"/> builds one.</summary>
public sealed class CompiledPolicy
{
    internal CompiledPolicy(string source, Verdict defaultVerdict, IReadOnlyList<string> hide, IReadOnlyDictionary<string, Verdict> tools)
    {
        Source = source;
        Default = defaultVerdict;
        Hide = hide;
        Tools = tools;
    }

    /// <summary>Where the policy came from (a file path), for messages.</summary>
    public string Source { get; }

    internal Verdict Default { get; }

    internal IReadOnlyList<string> Hide { get; }

    internal IReadOnlyDictionary<string, Verdict> Tools { get; }

    public ApprovalSettings Approval { get; init; } = ApprovalSettings.Default;

    public AuditSettings Audit { get; init; } = AuditSettings.Default;

    public bool IsHidden(string toolName) => Hide.Contains(toolName, StringComparer.Ordinal);
}

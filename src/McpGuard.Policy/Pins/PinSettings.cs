namespace McpGuard.Policy.Pins;

/// <summary>
/// The policy's <c>pins:</c> block; <see cref="File"/> is absolute (written relative to the policy file).
/// </summary>
internal sealed record PinSettings
{
    public required string File { get; init; }

    public PinAction OnChange { get; init; } = PinAction.Hide;

    public PinAction OnNew { get; init; } = PinAction.Hide;

    /// <summary>
    /// The lock file's name when the policy does not say: the policy's own name with <c>.lock.json</c>.
    /// </summary>
    public static string DefaultFile(string policyPath) =>
        Path.Combine(
            Path.GetDirectoryName(Path.GetFullPath(policyPath)) ?? ".",
            Path.GetFileNameWithoutExtension(policyPath) + ".lock.json");

    public PinAction ActionFor(PinDrift drift) => drift switch
    {
        PinDrift.Changed => OnChange,
        PinDrift.New => OnNew,
        _ => PinAction.Allow,
    };
}

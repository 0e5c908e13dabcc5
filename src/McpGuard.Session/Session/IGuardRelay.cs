namespace McpGuard.Session;

/// <summary>A running guarded session, whatever its server's transport (a child's stdio, a remote URL).</summary>
internal interface IGuardRelay
{
    /// <summary>Called after a valid new policy took effect; tells the client when what is hidden changed.</summary>
    Task OnPolicyReloadedAsync(bool hiddenChanged);
}

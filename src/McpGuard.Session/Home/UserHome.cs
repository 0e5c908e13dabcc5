namespace McpGuard.Home;

/// <summary>
/// The user's home folder (<c>HOME</c>, else the user database), as written. The runtime's own answer is "" for a
/// HOME that does not exist, which made every path under it relative to the current folder (a client's, not the
/// user's: counters and the audit log landed wherever the guard was started); `mcpguard doctor` reports such a HOME.
/// </summary>
internal static class UserHome
{
    public static string Path => Environment.GetFolderPath(
        Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
}

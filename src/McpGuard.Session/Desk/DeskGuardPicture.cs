namespace McpGuard.Desk;

/// <summary>A guard's last report as the page gets it, with when the desk received it.</summary>
internal sealed record DeskGuardPicture(string Id, DateTimeOffset Received, DeskGuardReport Report);

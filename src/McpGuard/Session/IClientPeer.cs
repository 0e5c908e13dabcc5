namespace McpGuard.Session;

/// <summary>
/// The client's side of a session: where answers, the server's requests and notifications, and the guard's own
/// questions go. Stdio: the guard's stdout, a line per message. HTTP: the response of the POST that carried the
/// request, or a listening stream. Disposing it ends the client's side (stdio: closes stdout).
/// </summary>
internal interface IClientPeer : IMessageOutput;

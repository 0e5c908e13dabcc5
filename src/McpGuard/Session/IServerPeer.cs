namespace McpGuard.Session;

/// <summary>
/// The server's side of a session: where judged client messages and the guard's own requests go. Stdio: the
/// child's stdin, a line per message. HTTP upstream: a POST per message, whose answers the transport hands back
/// to <see cref="GuardSession.HandleServerMessageAsync"/>. Disposing it ends the server's input (stdio: the child
/// sees end of file).
/// </summary>
internal interface IServerPeer : IMessageOutput;

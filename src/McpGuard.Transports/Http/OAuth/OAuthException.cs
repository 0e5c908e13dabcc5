namespace McpGuard.Http.OAuth;

/// <summary>Sign-in cannot go on; the message says why in one line (never a token or a secret).</summary>
internal sealed class OAuthException(string message) : Exception(message);

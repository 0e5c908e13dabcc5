namespace McpGuard.Policy.Settings;

/// <summary><c>serve.tls</c>: the listener's certificate and key (PEM files, relative to the policy file).</summary>
internal sealed record ServeTls(string Certificate, string Key);

namespace McpGuard.Http;

/// <summary>The listener's certificate and key (PEM files, absolute paths).</summary>
internal sealed record GatewayTls(string Certificate, string Key);

namespace McpGuard.Session;

/// <summary>Why a client line was refused: the JSON-RPC error to answer with, and the id to echo (if any).</summary>
internal sealed record LineRejection(int Code, string Message, JsonRpcId? Id);

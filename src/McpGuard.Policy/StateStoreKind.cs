namespace McpGuard.Policy;

/// <summary><c>state.store</c>.</summary>
public enum StateStoreKind
{
    Sqlite,
    Redis,
    Memory,
}

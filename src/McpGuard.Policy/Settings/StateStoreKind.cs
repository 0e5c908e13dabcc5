namespace McpGuard.Policy.Settings;

/// <summary><c>state.store</c>.</summary>
internal enum StateStoreKind
{
    Sqlite,
    Redis,
    Memory,
}

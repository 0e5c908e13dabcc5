namespace McpGuard.Inventory;

/// <summary>What a tool text flag found.</summary>
internal enum ToolTextFlagKind
{
    /// <summary>Unicode tag characters (U+E0000–U+E007F), zero-width characters or bidi controls.</summary>
    InvisibleCharacters,

    /// <summary>
    /// Instructions addressed to the model: to ignore its instructions, to hide things, to read or send data.
    /// </summary>
    AddressedToModel,
}

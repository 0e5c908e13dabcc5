namespace McpGuard.Session;

/// <summary>The closed set of what a message stage can do with a message (<see cref="StageOutcome"/>).</summary>
internal enum StageAction
{
    /// <summary>Pass the message on to the next stage.</summary>
    Next,

    /// <summary>The stage dealt with it (forwarded, held, kept or dropped it).</summary>
    Handled,

    /// <summary>Send the outcome's message to the client instead.</summary>
    ToClient,

    /// <summary>Send the outcome's message to the server instead.</summary>
    ToServer,
}

namespace McpGuard.Http.Upstream;

/// <summary>How reading one HTTP answer of the upstream ended.</summary>
internal enum AnswerOutcome
{
    /// <summary>The body or stream ended (or the awaited response came); every message in it was handed on.</summary>
    Ended,

    /// <summary>A message in it was not one JSON-RPC 2.0 object: nothing from there on was handed on.</summary>
    Unreadable,

    /// <summary>A message or event grew past the message limit.</summary>
    Oversized,

    /// <summary>Its Content-Type is neither JSON nor an event stream.</summary>
    UnsupportedMediaType,
}

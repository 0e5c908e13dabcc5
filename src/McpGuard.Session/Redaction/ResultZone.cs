namespace McpGuard.Redaction;

/// <summary>
/// Where a JSON value sits in an answer, as far as the result rules care (<see cref="ResultFilter"/>).
/// </summary>
internal enum ResultZone
{
    /// <summary>Not read: ids, _meta, types, image and audio data, blobs, URIs, annotations.</summary>
    Skip,
    Message,

    /// <summary>A task (the 2026 tasks extension's <c>tasks/get</c> result): its <c>result</c> is the call's.</summary>
    Task,
    Result,

    /// <summary>A JSON-RPC error answer: its <c>message</c> is text, and every string of its <c>data</c>.</summary>
    Error,
    Content,
    ContentItem,
    EmbeddedResource,
    Contents,
    ContentsItem,

    /// <summary>A <c>prompts/get</c> result's <c>messages</c>, and one of them: its <c>content</c> is a content item.
    /// </summary>
    Messages,
    MessagesItem,

    /// <summary>A string here is text for the model.</summary>
    Text,

    /// <summary>
    /// Inside <c>structuredContent</c>: every string value at any depth is text (object keys are not).
    /// </summary>
    Structured,
}

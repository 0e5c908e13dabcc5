namespace McpGuard.Redaction;

/// <summary>Which answers carry text for the model, and where (docs/results.md#what-is-read).</summary>
internal enum ResultShape
{
    /// <summary>
    /// A <c>tools/call</c> result, also through <c>tasks/result</c>: content text, embedded resource text,
    /// structuredContent strings.
    /// </summary>
    ToolResult,

    /// <summary>A <c>resources/read</c> result: the text of each of its contents.</summary>
    ResourceContents,

    /// <summary>
    /// A <c>prompts/get</c> result: its description and each message's content, read as a tool result's content item
    /// is (text, embedded resource text, a resource link's title and description).
    /// </summary>
    PromptMessages,

    /// <summary>
    /// A <c>tasks/get</c> result of the 2026 tasks extension: a completed task carries its call's result inline, as
    /// its <c>result</c> member, read as a <see cref="ToolResult"/>.
    /// </summary>
    TaskWithToolResult,

    /// <summary>
    /// The 2026 tasks extension's <c>notifications/tasks</c>: a completed task's <c>params</c> carry its call's result
    /// inline, as their <c>result</c> member.
    /// </summary>
    TaskNotification,
}

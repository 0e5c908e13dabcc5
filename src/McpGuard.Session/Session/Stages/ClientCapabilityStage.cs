using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// A 2025-era <c>initialize</c>: notes what the client can show (form elicitation, for approval questions) and that
/// it expects bare list_changed notifications. A 2026-07-28 client declares its capabilities on each request
/// instead, and the gate reads them per call (<see cref="DeclaresFormElicitation"/>).
/// </summary>
internal sealed class ClientCapabilityStage(SessionChannels channels) : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Kind == MessageKind.Request && message.Method == RequestMethods.Initialize)
        {
            // Only a 2025-era client can be sent elicitation/create; a 2026-07-28 client is asked in band.
            channels.ClientSupportsElicitation = DeclaresFormElicitation(message.Params);
            channels.ClientInitialized = true;
        }

        return StageOutcome.Next;
    }

    /// <summary>
    /// <c>elicitation: {}</c> (2025-06-18) or with <c>form</c> (2025-11-25); a client offering only <c>url</c>
    /// mode cannot show the approval question.
    /// </summary>
    /// <remarks>
    /// Clients of the 2026-07-28 protocol send no initialize: every request carries its capabilities in
    /// <c>params._meta["io.modelcontextprotocol/clientCapabilities"]</c>, which the gate reads per call.
    /// </remarks>
    internal static bool DeclaresFormElicitation(JsonElement parameters)
    {
        if (!HasMetaCapabilities(parameters, out var capabilities) &&
            !(parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("capabilities"u8, out capabilities)))
        {
            return false;
        }

        return capabilities.ValueKind == JsonValueKind.Object
            && capabilities.TryGetProperty("elicitation"u8, out var elicitation)
            && elicitation.ValueKind == JsonValueKind.Object
            && (elicitation.TryGetProperty("form"u8, out _) || !elicitation.TryGetProperty("url"u8, out _));
    }

    private static bool HasMetaCapabilities(JsonElement parameters, out JsonElement capabilities)
    {
        capabilities = default;
        return parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("_meta"u8, out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("io.modelcontextprotocol/clientCapabilities"u8, out capabilities);
    }
}

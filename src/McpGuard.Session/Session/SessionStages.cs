using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// The one place that lists each direction's message stages, in order (docs/architecture.md#message-stages). Adding
/// a stage is a new file with an <see cref="IMessageStage{TStep}"/> and a line here. The order matters where the
/// comments say so; a stage that is not about a message passes it on at once.
/// </summary>
internal static class SessionStages
{
    /// <summary>
    /// Client→server, after strict validation (<see cref="ClientMessageValidator"/>, in the handler): what passes
    /// every stage is forwarded to the server as judged.
    /// </summary>
    public static IMessageStage<ClientStep>[] Client(
        SessionChannels channels, ToolCallGate gate, CallOutcomes outcomes, ILogger logger) =>
    [
        // First: what is forwarded from here on, and judged, is the request without the sampling.tools capability.
        new SamplingCapabilityStage(),

        // Before the request table: a refused tasks/* request is never in flight; a known one notes its task.
        new TaskRequestStage(channels, gate, logger),

        // Every request still here is in flight from now on (a duplicate id is refused); its span starts.
        new RequestIdStage(channels, logger),
        new ClientCapabilityStage(channels),
        new ListenStreamStage(channels),

        // tools/call ends here: the gate forwards, holds or answers it.
        new ToolCallStage(gate, logger),
        new CancelledStage(channels, gate, outcomes),
        new ClientAnswerStage(channels, gate),
    ];

    /// <summary>
    /// Server→client, for every JSON-RPC message (non-JSON output is dropped in the handler): what passes every
    /// stage goes to the client, or the result policy's replacement of it.
    /// </summary>
    public static IMessageStage<ServerStep>[] Server(
        SessionChannels channels,
        ResultStage results,
        CallOutcomes outcomes,
        InBandApprovals inBand,
        PinDriftReporter drift,
        ILogger logger,
        bool clientTakesNoRequests = false) =>
    [
        // First: an answer leaves the request table (or is dropped, or kept by the guard); later stages read it.
        new AnswerMatchStage(channels, outcomes, logger),

        // Before the outcome is recorded, which carries what the result policy did (docs/results.md).
        new ResultPolicyStage(results),
        new CallOutcomeStage(channels, outcomes, inBand),
        new TaskAnswerStage(outcomes),

        // Before the tool list: the server's name picks the catalogue its tools are classified by.
        new ServerIdentityStage(channels),
        new ToolListStage(channels, drift, logger),
        new ServerRequestStage(channels, logger, clientTakesNoRequests),
        new ListChangedStage(channels),
        new TaskStatusStage(outcomes),
    ];
}

namespace McpGuard.Session;

/// <summary>
/// One small step of one direction's handling (docs/architecture.md#message-stages): it looks at the message in
/// <typeparamref name="TStep"/>, does its one job, and says what happens next. A stage is built once per session
/// and owns its state; it never reaches into another stage. Most stages look at one kind of message and pass the
/// rest on at once, synchronously, so a stage costs a type test and no allocation.
/// </summary>
internal interface IMessageStage<in TStep>
{
    ValueTask<StageOutcome> RunAsync(TStep step, CancellationToken cancellationToken);
}

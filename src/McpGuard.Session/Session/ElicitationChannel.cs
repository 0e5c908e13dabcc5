using System.Text.Json;
using McpGuard.Approval;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// Asks in the client itself with <c>elicitation/create</c>, when the client declared it can (2025 era; a
/// 2026-07-28 call is asked in band instead, see <see cref="ApprovalOutcome.InBand"/>). The request uses
/// an id from the guard's own id space, and the client's answer stays with the guard. Only an explicit accept
/// with <c>approve: true</c> approves.
/// </summary>
internal sealed class ElicitationChannel(SessionChannels channels) : IApprovalChannel
{
    public const string ChannelName = "elicitation";

    public string Name => ChannelName;

    public async Task<ApprovalOutcome?> AskAsync(
        ApprovalRequest request,
        DateTimeOffset deadline,
        Action<string> unavailableBecause,
        CancellationToken cancellationToken)
    {
        if (request.CanAskInBand)
        {
            // 2026-07-28: the guard cannot send the client a request; the gate answers the call with the question.
            return ApprovalOutcome.InBand;
        }

        if (!channels.ClientSupportsElicitation)
        {
            unavailableBecause("the client did not declare the elicitation capability (form mode)");
            return null;
        }

        var pending = channels.AwaitingClient.AddOwn(RequestMethods.ElicitationCreate);
        try
        {
            var message = JsonRpcMessages.Request(
                pending.Id, RequestMethods.ElicitationCreate, writer => WriteParams(writer, request));
            await channels.ToClient.SendAsync(message, flush: true, cancellationToken);
            using var answer = await pending.OwnResponse!.Task.WaitAsync(cancellationToken);
            return Read(answer.RootElement);
        }
        catch (OperationCanceledException)
        {
            // Timed out or withdrawn: tell the client to take the question down; a late answer is then ignored.
            await TryCancelAsync(pending.Id);
            throw;
        }
        finally
        {
            channels.AwaitingClient.TryRemove(pending.Id, out _);
        }
    }

    internal static void WriteParams(Utf8JsonWriter writer, ApprovalRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("message"u8, ApprovalText.Message(request));
        writer.WriteStartObject("requestedSchema"u8);
        writer.WriteString("type"u8, "object"u8);
        writer.WriteStartObject("properties"u8);
        writer.WriteStartObject("approve"u8);
        writer.WriteString("type"u8, "boolean"u8);
        writer.WriteString("title"u8, "Approve this call");
        writer.WriteString("description"u8, "Tick to let the call through; anything else refuses it.");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("required"u8);
        writer.WriteStringValue("approve"u8);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    internal static ApprovalOutcome Read(JsonElement answer)
    {
        if (!answer.TryGetProperty("result"u8, out var result) || result.ValueKind != JsonValueKind.Object)
        {
            return ApprovalOutcome.Refuse("the client could not show the approval question (elicitation failed).");
        }

        var action = result.TryGetProperty("action"u8, out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString()
            : null;
        var approved = action == "accept"
            && result.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty("approve"u8, out var approve) && approve.ValueKind == JsonValueKind.True;
        return approved
            ? ApprovalOutcome.Approve("approved in the client (elicitation).")
            : ApprovalOutcome.Refuse($"the person refused in the client (elicitation: {RefusalOf(action)}).");
    }

    /// <summary>
    /// What a refusal was, in the guard's words: the client's <c>action</c> is its text, not ours, so it is named
    /// only when it is one of the three the protocol defines (an accepted form without the tick is no approval).
    /// </summary>
    private static string RefusalOf(string? action) => action switch
    {
        "accept" => "answered without ticking Approve",
        "decline" => "declined",
        "cancel" => "dismissed the question",
        _ => "no answer the protocol defines",
    };

    private async Task TryCancelAsync(JsonRpcId id)
    {
        var cancel = JsonRpcMessages.Build(NotificationMethods.CancelledNotification, writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("requestId"u8);
            writer.WriteRawValue(id.Raw, skipInputValidation: true);
            writer.WriteString("reason"u8, "McpGuard: the approval question timed out or the call was withdrawn.");
            writer.WriteEndObject();
        });
        try
        {
            await channels.ToClient.SendAsync(cancel, flush: true, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client is gone.
        }
    }
}

using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using McpGuard.Policy.Limits;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// The lines of calls held for their counts are copied into buffers that are reused: a buffer serves a later call
/// only once its own call's send completed, so a transport that reads the bytes while its send is under way reads
/// the call's own line.
/// </summary>
public sealed class CountedCallsTests
{
    [Fact]
    public async Task CopyOf_WhileAnEarlierCallsSendIsUnderWay_TakesANewBufferThenReusesTheSentOnes()
    {
        var firstSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new List<string>();
        var calls = new CountedCalls(
            async call =>
            {
                if (sent.Count == 0)
                {
                    await firstSend.Task;
                }

                // Read when the send completes, as a transport that copies late would.
                sent.Add(Encoding.UTF8.GetString(call.Line.Span));
            },
            () => ValueTask.CompletedTask);

        var first = calls.CopyOf(Line("""{"id":1,"marker":"FIRST"}"""));
        calls.Enqueue(Call(first));
        var second = calls.CopyOf(Line("""{"id":2,"marker":"SECOND"}"""));
        Assert.NotSame(ArrayOf(first), ArrayOf(second));
        calls.Enqueue(Call(second));

        firstSend.SetResult();
        await calls.Sent.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(["""{"id":1,"marker":"FIRST"}""", """{"id":2,"marker":"SECOND"}"""], sent);

        var third = calls.CopyOf(Line("""{"id":3,"marker":"THIRD"}"""));
        Assert.Contains(ArrayOf(third), new[] { ArrayOf(first), ArrayOf(second) });
        Assert.Equal("""{"id":3,"marker":"THIRD"}""", Encoding.UTF8.GetString(third.Span));
    }

    [Fact]
    public void CopyOf_LineLongerThanTheBuffersKept_IsCopiedWhole()
    {
        var calls = new CountedCalls(_ => ValueTask.CompletedTask, () => ValueTask.CompletedTask);
        var text = "{\"marker\":\"" + new string('x', CountedCalls.MaxKeptLine) + "\"}";

        var copy = calls.CopyOf(Line(text));

        Assert.Equal(text, Encoding.UTF8.GetString(copy.Span));
    }

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));

    private static byte[] ArrayOf(ReadOnlyMemory<byte> copy) =>
        MemoryMarshal.TryGetArray(copy, out var segment) ? segment.Array! : throw new InvalidOperationException();

    // The sender reads only whether the count is in; sending is the test's own callback.
    private static CountedCall Call(ReadOnlyMemory<byte> line) => new(
        JsonRpcId.FromString("call"),
        line,
        "session-1",
        null!,
        ProtocolEra.Legacy,
        Task.FromResult<LimitOutcome>(null!),
        new ArrivalOrder().TakeCounted(),
        null);
}

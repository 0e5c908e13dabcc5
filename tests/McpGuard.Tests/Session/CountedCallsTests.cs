using System.Buffers;
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
                sent.Add(Encoding.UTF8.GetString(call.Line, 0, call.LineLength));
            },
            () => ValueTask.CompletedTask);

        var first = Line("""{"id":1,"marker":"FIRST"}""");
        var firstCopy = calls.CopyOf(first);
        calls.Enqueue(Call(firstCopy, first));
        var second = Line("""{"id":2,"marker":"SECOND"}""");
        var secondCopy = calls.CopyOf(second);
        Assert.NotSame(firstCopy, secondCopy);
        calls.Enqueue(Call(secondCopy, second));

        firstSend.SetResult();
        await calls.Sent.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(["""{"id":1,"marker":"FIRST"}""", """{"id":2,"marker":"SECOND"}"""], sent);

        var third = Line("""{"id":3,"marker":"THIRD"}""");
        var thirdCopy = calls.CopyOf(third);
        Assert.Contains(thirdCopy, new[] { firstCopy, secondCopy });
        Assert.Equal("""{"id":3,"marker":"THIRD"}""", Encoding.UTF8.GetString(thirdCopy, 0, (int)third.Length));
    }

    [Fact]
    public void CopyOf_LineLongerThanTheBuffersKept_IsCopiedWhole()
    {
        var calls = new CountedCalls(_ => ValueTask.CompletedTask, () => ValueTask.CompletedTask);
        var text = "{\"marker\":\"" + new string('x', CountedCalls.MaxKeptLine) + "\"}";

        var copy = calls.CopyOf(Line(text));

        Assert.Equal(text, Encoding.UTF8.GetString(copy));
    }

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));

    // The sender reads only whether the count is in; sending is the test's own callback.
    private static CountedCall Call(byte[] copy, ReadOnlySequence<byte> line) => new(
        JsonRpcId.FromString("call"),
        copy,
        (int)line.Length,
        "session-1",
        null!,
        null,
        ProtocolEra.Legacy,
        Task.FromResult<LimitOutcome>(null!),
        new ArrivalOrder().TakeCounted(),
        null);
}

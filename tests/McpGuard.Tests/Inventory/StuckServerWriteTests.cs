using System.IO.Pipelines;
using McpGuard.Cli;
using McpGuard.Inventory;
using McpGuard.Tests.TestUtils;
using ModelContextProtocol.Protocol;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// .NET's pipe code can spin forever in the first write to the stdin of a server that exits at that moment: under
/// load `mcpguard tools` ran past its 60 s and did not end on SIGTERM, its thread looping in the runtime. A write
/// that never gives its thread back must not hold the command: given up, the listing ends all the same.
/// </summary>
public sealed class StuckServerWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteNeverGivesItsThreadBack_GivingUpStillEndsTheListing()
    {
        using var release = new ManualResetEventSlim();
        var stuck = new StuckWrites(release);
        var connector = new ServerConnector(
            (_, _) => new StreamClientTransport(stuck, new Pipe().Reader.AsStream()));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        try
        {
            // Started on its own thread so that a listing holding its caller's thread fails the test, not hangs it.
            var listing = Task.Run(
                () => ServerInspection.ListAsync(["server"], connector, verbose: false, TextWriter.Null, cancel.Token),
                Ct);
            await stuck.Entered.WaitAsync(TestConstants.DefaultTimeout, Ct);

            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => listing.WaitAsync(TestConstants.DefaultTimeout, Ct));
        }
        finally
        {
            release.Set(); // the stuck thread goes back to the pool once the test is over
        }
    }

    /// <summary>A server's stdin whose write holds the writing thread, deaf to cancellation, until released.</summary>
    private sealed class StuckWrites(ManualResetEventSlim release) : Stream
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Hold();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Hold();
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Hold();
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Hold()
        {
            _entered.TrySetResult();
            release.Wait();
        }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using McpGuard.Stdio;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Takes the judged messages a line-writing session sends "to the child" from an in-memory pipe and gives each to
/// the <see cref="UpstreamClient"/>, in order, until the session closes its side.
/// </summary>
internal static class OutboundLines
{
    public static async Task SendAllAsync(PipeReader reader, UpstreamClient client, long maxMessageBytes, CancellationToken cancellationToken)
    {
        var framer = new LineFramer(maxMessageBytes);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (framer.TryReadLine(ref buffer, out var line))
                {
                    if (!line.IsEmpty)
                    {
                        await client.SendAsync(line.ToArray(), cancellationToken);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }
}

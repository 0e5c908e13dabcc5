using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>Reads a POST body whole, bounded by the message limit, and puts it on one line for the relay.</summary>
internal static class RequestBody
{
    /// <summary>The body whole, or <see cref="BodyRead.TooLarge"/> past <paramref name="maxBytes"/> (413).</summary>
    public static async Task<BodyRead> ReadAsync(
        HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return BodyRead.TooLarge.Instance;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return new BodyRead.Whole(OnOneLine(buffer.WrittenSpan.ToArray()));
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return BodyRead.TooLarge.Instance;
            }
        }
    }

    /// <summary>
    /// A body may be pretty-printed; a line may not. Carriage returns and newlines between tokens are JSON
    /// whitespace, so they become spaces, which changes no value. Inside a string a raw one is invalid JSON and is
    /// left as it is, so the validator refuses exactly what it would refuse on stdio.
    /// </summary>
    public static byte[] OnOneLine(byte[] body)
    {
        if (body.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            return body;
        }

        var inString = false;
        var escaped = false;
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
                else if (b is (byte)'\n' or (byte)'\r')
                {
                    // Invalid JSON: the validator refuses it whole, and it never reaches the relay.
                    return body;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'\n' or (byte)'\r')
            {
                body[i] = (byte)' ';
            }
        }

        return body;
    }
}

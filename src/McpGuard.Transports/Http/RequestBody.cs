using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>Reads a POST body whole, bounded by the message limit, and puts it on one line for the relay.</summary>
internal static class RequestBody
{
    /// <summary>The body whole, or <see cref="BodyRead.TooLarge"/> past <paramref name="maxBytes"/> (413).</summary>
    /// <remarks>
    /// Read from Kestrel's own buffers until the body ends and copied out once, at its size: a small body is there
    /// already when the handler runs. (Growing a buffer of our own by 16 KiB reads cost an array of 16 KiB and its
    /// clearing per request: ~20,000 instructions of a `serve --url` call, callgrind.)
    /// </remarks>
    public static async Task<BodyRead> ReadAsync(
        HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return BodyRead.TooLarge.Instance;
        }

        var reader = request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // A chunked body (no Content-Length) past Kestrel's limit, the message limit plus one: the same 413
                // with a JSON-RPC error as an announced length gets, not Kestrel's empty one.
                return BodyRead.TooLarge.Instance;
            }

            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return BodyRead.TooLarge.Instance;
            }

            if (result.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return new BodyRead.Whole(OnOneLine(body));
            }

            // Not all there yet: everything is examined, nothing consumed, so the next read brings more.
            reader.AdvanceTo(buffer.Start, buffer.End);
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

using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace McpGuard.Http;

/// <summary>
/// Media types compared the way RFC 9110 says: type and subtype case-insensitively, parameters ignored, spaces around
/// them allowed. <c>Application/JSON; charset=UTF-8</c> is JSON; a header that names no type/subtype is nothing.
/// </summary>
internal static class MediaType
{
    public const string Json = "application/json";

    public const string EventStream = "text/event-stream";

    private const string BothAnswers = Json + ", " + EventStream;

    private const string BothAnswersReversed = EventStream + ", " + Json;

    private const string BothAnswersTight = Json + "," + EventStream;

    // RFC 9110 token characters are visible ASCII except these delimiters.
    private static readonly SearchValues<char> s_delimiters = SearchValues.Create("\"(),/:;<=>?@[\\]{}");

    /// <summary>The lower-case <c>type/subtype</c> of a Content-Type value, or null when it has none.</summary>
    public static string? Essence(string? contentType)
    {
        if (contentType is null or Json or EventStream)
        {
            // The usual values, as servers send them, are their own essence: no copies per answer (the general
            // path below cost ~2,300 instructions of a `run --url` call, callgrind).
            return contentType;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var essence = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim(' ', '\t');
        var slash = essence.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == essence.Length - 1
            || !IsToken(essence.AsSpan(0, slash)) || !IsToken(essence.AsSpan(slash + 1)))
        {
            return null;
        }

        return essence.ToLowerInvariant();
    }

    /// <summary>Whether a Content-Type value names <paramref name="expected"/> (a lower-case essence).</summary>
    public static bool Is(string? contentType, string expected) =>
        string.Equals(Essence(contentType), expected, StringComparison.Ordinal);

    /// <summary>
    /// Whether an <c>Accept</c> header lets the answer be <paramref name="expected"/>: the type itself, or
    /// <c>type/*</c> or <c>*/*</c> (RFC 9110 12.5.1), with a quality above zero. A range's other parameters
    /// (<c>charset</c>) are ignored, as the SDKs do: an event stream is UTF-8 in any case.
    /// </summary>
    public static bool Accepts(IList<MediaTypeHeaderValue> accept, string expected)
    {
        var wanted = new MediaTypeHeaderValue(expected);
        return accept.Any(range =>
            range.Quality is not 0 && wanted.IsSubsetOf(new MediaTypeHeaderValue(range.MediaType)));
    }

    /// <summary>
    /// Whether one <c>Accept</c> value is, byte for byte but for case, how the SDKs ask for both answers (JSON and an
    /// event stream, in either order, no parameters): then both are acceptable without parsing it. Any other value
    /// goes through <see cref="Accepts"/>, whose parse into typed ranges cost ~8,300 instructions and nine objects of
    /// a `serve --url` call (callgrind, bench/HISTORY.md). The value as the SDKs write it, in lower case, is found by
    /// an exact comparison first: ignoring case cost ~500 instructions a call (bench/README.md, issue 24).
    /// </summary>
    public static bool IsBothAnswers(string? accept) =>
        accept is BothAnswers or BothAnswersReversed or BothAnswersTight
        || (accept is not null
            && (accept.Equals(BothAnswers, StringComparison.OrdinalIgnoreCase)
                || accept.Equals(BothAnswersReversed, StringComparison.OrdinalIgnoreCase)
                || accept.Equals(BothAnswersTight, StringComparison.OrdinalIgnoreCase)));

    private static bool IsToken(ReadOnlySpan<char> text) =>
        !text.ContainsAnyExceptInRange('!', '~') && !text.ContainsAny(s_delimiters);
}

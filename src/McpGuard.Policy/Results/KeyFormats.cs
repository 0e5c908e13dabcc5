using System.Buffers;

namespace McpGuard.Policy.Results;

/// <summary>
/// Vendor key formats, each a fixed prefix and a run of a known alphabet and length, starting a word. The prefix
/// and the length are the false-positive guard: an order id, a hash or a UUID has neither (docs/results.md#secrets).
/// </summary>
internal static class KeyFormats
{
    private static readonly SearchValues<char> s_wordAndUnderscore =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");

    private static readonly SearchValues<char> s_slackToken =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");

    private static readonly SearchValues<char> s_webhookPath =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/_");

    /// <summary>
    /// True when a known key format starts at <paramref name="at"/>; <paramref name="length"/> is its length.
    /// </summary>
    public static bool TryMatch(string text, int at, out int length)
    {
        length = Measure(text, at);
        return length > 0;
    }

    private static int Measure(string text, int at)
    {
        var rest = text.AsSpan(at);
        if (rest.StartsWith("hooks.slack.com/services/", StringComparison.Ordinal))
        {
            // A Slack incoming webhook: the URL is the credential. Its scheme may stand before it.
            return Prefixed(text, at, "hooks.slack.com/services/".Length, s_webhookPath, 20, 200);
        }

        if (!TokenText.StartsWord(text, at))
        {
            return 0;
        }

        return rest switch
        {
            _ when rest.StartsWith("AKIA", StringComparison.Ordinal)
                || rest.StartsWith("ASIA", StringComparison.Ordinal) =>
                Exact(text, at, 4, TokenText.UpperAlphanumeric, 16),
            _ when rest.Length > 4 && rest.StartsWith("gh", StringComparison.Ordinal) && rest[3] == '_'
                && "pousr".Contains(rest[2]) =>
                Prefixed(text, at, 4, TokenText.AsciiAlphanumeric, 36, 251),
            _ when rest.StartsWith("github_pat_", StringComparison.Ordinal) =>
                Prefixed(text, at, 11, s_wordAndUnderscore, 50, 255),
            _ when rest.StartsWith("glpat-", StringComparison.Ordinal)
                || rest.StartsWith("glptt-", StringComparison.Ordinal) =>
                Prefixed(text, at, 6, TokenText.Base64Url, 20, 255),
            _ when rest.StartsWith("glrt-", StringComparison.Ordinal)
                || rest.StartsWith("gldt-", StringComparison.Ordinal) =>
                Prefixed(text, at, 5, TokenText.Base64Url, 20, 255),
            _ when rest.Length > 5 && rest.StartsWith("xox", StringComparison.Ordinal) && rest[4] == '-'
                && "abprs".Contains(rest[3]) =>
                WithDigit(text, at, Prefixed(text, at, 5, s_slackToken, 10, 255)),
            _ when rest.StartsWith("xapp-", StringComparison.Ordinal) =>
                WithDigit(text, at, Prefixed(text, at, 5, s_slackToken, 10, 255)),
            _ when rest.Length > 8 && (rest.StartsWith("sk_", StringComparison.Ordinal)
                || rest.StartsWith("rk_", StringComparison.Ordinal))
                && (rest[3..].StartsWith("live_", StringComparison.Ordinal)
                    || rest[3..].StartsWith("test_", StringComparison.Ordinal)) =>
                Prefixed(text, at, 8, TokenText.AsciiAlphanumeric, 20, 255),
            _ when rest.StartsWith("sk-", StringComparison.Ordinal) =>
                // OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-api03-...): long runs, never a word.
                WithDigit(text, at, Prefixed(text, at, 3, TokenText.Base64Url, 32, 512)),
            _ when rest.StartsWith("AIza", StringComparison.Ordinal) =>
                Exact(text, at, 4, TokenText.Base64Url, 35),
            _ when rest.StartsWith("eyJ", StringComparison.Ordinal) => JsonWebToken(text, at),
            _ => 0,
        };
    }

    /// <summary>
    /// header.payload.signature, where header and payload are base64url JSON objects (both start <c>eyJ</c>, the
    /// encoding of <c>{"</c>) and the signature is present: a base64 image or a bare encoded object is not a JWT.
    /// </summary>
    private static int JsonWebToken(string text, int at)
    {
        var header = TokenText.Run(text, at, TokenText.Base64Url);
        var payloadAt = at + header + 1;
        if (header < 10 || payloadAt + 3 > text.Length || text[payloadAt - 1] != '.'
            || !text.AsSpan(payloadAt).StartsWith("eyJ", StringComparison.Ordinal))
        {
            return 0;
        }

        var payload = TokenText.Run(text, payloadAt, TokenText.Base64Url);
        var signatureAt = payloadAt + payload + 1;
        if (payload < 10 || signatureAt >= text.Length || text[signatureAt - 1] != '.')
        {
            return 0;
        }

        var signature = TokenText.Run(text, signatureAt, TokenText.Base64Url);
        return signature < 16 ? 0 : signatureAt + signature - at;
    }

    private static int Exact(string text, int at, int prefix, SearchValues<char> alphabet, int length)
    {
        var run = TokenText.Run(text, at + prefix, alphabet);
        return run == length && TokenText.EndsWord(text, at + prefix + run) ? prefix + run : 0;
    }

    private static int Prefixed(string text, int at, int prefix, SearchValues<char> alphabet, int min, int max)
    {
        var run = TokenText.Run(text, at + prefix, alphabet);
        return run >= min && run <= max ? prefix + run : 0;
    }

    private static int WithDigit(string text, int at, int length) =>
        length > 0 && text.AsSpan(at, length).IndexOfAnyInRange('0', '9') >= 0 ? length : 0;
}

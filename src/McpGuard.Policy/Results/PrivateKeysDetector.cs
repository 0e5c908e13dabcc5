using System.Buffers;

namespace McpGuard.Policy.Results;

/// <summary>
/// <c>private-keys</c>: PEM and OpenSSH private key blocks, <c>-----BEGIN … PRIVATE KEY-----</c> to the matching
/// END line (PGP's <c>PRIVATE KEY BLOCK</c> too). Public keys and certificates have other labels and are left alone:
/// the label is the false-positive guard. A block cut off before its END line is redacted to the end of its body.
/// </summary>
internal sealed class PrivateKeysDetector() : TextDetector("private-keys")
{
    private const string Begin = "-----BEGIN ";
    private const string Dashes = "-----";

    // What a truncated body may hold: base64, line breaks, and the RFC 1421 headers of an encrypted key.
    private static readonly SearchValues<char> s_body =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/=\r\n\t :,-");

    public override bool MayMatch(ReadOnlySpan<char> piece) => piece.Contains(Begin, StringComparison.Ordinal);

    public override void Find(string text, List<TextMatch> found)
    {
        var from = 0;
        while (from < text.Length)
        {
            var hit = text.AsSpan(from).IndexOf(Begin, StringComparison.Ordinal);
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            var labelAt = at + Begin.Length;
            var labelArea = text.AsSpan(labelAt, Math.Min(64, text.Length - labelAt));
            var labelLength = labelArea.IndexOf(Dashes, StringComparison.Ordinal);
            var label = labelLength > 0 ? text.AsSpan(labelAt, labelLength) : default;
            if (!label.EndsWith("PRIVATE KEY", StringComparison.Ordinal)
                && !label.EndsWith("PRIVATE KEY BLOCK", StringComparison.Ordinal))
            {
                from = labelAt;
                continue;
            }

            var bodyAt = labelAt + labelLength + Dashes.Length;
            var endMarker = $"-----END {label}-----";
            var end = text.AsSpan(bodyAt).IndexOf(endMarker, StringComparison.Ordinal);
            var matchEnd = end >= 0 ? bodyAt + end + endMarker.Length : bodyAt + TokenText.Run(text, bodyAt, s_body);
            found.Add(new TextMatch(at, matchEnd - at));
            from = matchEnd;
        }
    }
}

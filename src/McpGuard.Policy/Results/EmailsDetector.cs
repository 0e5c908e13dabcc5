using System.Buffers;

namespace McpGuard.Policy.Results;

/// <summary>
/// <c>emails</c>: <c>local@domain.tld</c>. The guard: the domain has a dot and ends in a label of letters that is not
/// a file extension, so <c>pkg@1.2.3</c>, <c>user@localhost</c> and <c>icon@2x.png</c> are not addresses.
/// </summary>
internal sealed class EmailsDetector() : TextDetector("emails")
{
    private static readonly SearchValues<char> s_local =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._%+-");

    private static readonly SearchValues<char> s_domain =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-");

    private static readonly HashSet<string> s_fileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "js", "mjs", "ts", "css", "json", "yaml", "yml", "md",
        "txt", "html", "htm", "xml", "py", "rs", "go", "java", "cs", "zip", "gz", "tar", "pdf", "csv", "lock",
    };

    public override bool MayMatch(ReadOnlySpan<char> piece) => piece.Contains('@');

    public override void Find(string text, List<TextMatch> found)
    {
        var from = 0;
        while (from < text.Length)
        {
            var hit = text.AsSpan(from).IndexOf('@');
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            var start = at;
            while (start > 0 && at - start < 64 && s_local.Contains(text[start - 1]))
            {
                start--;
            }

            while (start < at && text[start] is '.' or '-' or '+')
            {
                start++; // an address does not start with these
            }

            var domainLength = TokenText.Run(text, at + 1, s_domain);
            while (domainLength > 0 && text[at + domainLength] is '.' or '-')
            {
                domainLength--; // "write to a@b.com." ends a sentence
            }

            var domain = text.AsSpan(at + 1, domainLength);
            if (start < at && IsDomain(domain))
            {
                found.Add(new TextMatch(start, at + 1 + domainLength - start));
                from = at + 1 + domainLength;
            }
            else
            {
                from = at + 1;
            }
        }
    }

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        var dot = domain.LastIndexOf('.');
        if (dot <= 0 || domain.Length > 253 || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var tld = domain[(dot + 1)..];
        return tld.Length is >= 2 and <= 24 && !tld.ContainsAnyExcept(TokenText.Letters)
            && !s_fileExtensions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(tld);
    }
}

using System.Collections.Frozen;

namespace McpGuard.Policy.Results;

/// <summary>
/// <c>ibans</c>: international bank account numbers, bare or in groups of four. The guard: a known country code, that
/// country's exact length, and the ISO 13616 mod-97 check digits, so a random code of that shape matches once in 97
/// and ids that merely start with two letters and two digits do not (docs/results.md#ibans).
/// </summary>
internal sealed class IbansDetector() : TextDetector("ibans")
{
    private static readonly FrozenDictionary<string, int> s_lengths = new Dictionary<string, int>
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22,
        ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28,
        ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20,
        ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27,
        ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15,
        ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28,
        ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    }.ToFrozenDictionary();

    private const int LongestIban = 34;

    public override bool MayMatch(ReadOnlySpan<char> piece) => piece.ContainsAnyInRange('A', 'Z');

    public override void Find(string text, List<TextMatch> found)
    {
        var from = 0;
        Span<char> compact = stackalloc char[LongestIban];
        while (from + 4 <= text.Length)
        {
            var hit = text.AsSpan(from, text.Length - from - 3).IndexOfAnyInRange('A', 'Z');
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            if (TokenText.StartsWord(text, at) && char.IsAsciiLetterUpper(text[at + 1])
                && char.IsAsciiDigit(text[at + 2])
                && char.IsAsciiDigit(text[at + 3])
                && s_lengths.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text.AsSpan(at, 2), out var length)
                && Read(text, at, compact[..length]) is var end and > 0
                && TokenText.EndsWord(text, end) && Checks(compact[..length]))
            {
                found.Add(new TextMatch(at, end - at));
                from = end;
            }
            else
            {
                from = at + 1;
            }
        }
    }

    /// <summary>
    /// Reads exactly <c>compact.Length</c> upper-case letters and digits, allowing one space between groups of four.
    /// </summary>
    /// <returns>Where the IBAN ends, or 0.</returns>
    private static int Read(string text, int at, Span<char> compact)
    {
        var position = at;
        for (var count = 0; count < compact.Length; count++)
        {
            if (count > 0 && count % 4 == 0 && position < text.Length && text[position] == ' ')
            {
                position++;
            }

            if (position >= text.Length || !TokenText.UpperAlphanumeric.Contains(text[position]))
            {
                return 0;
            }

            compact[count] = text[position++];
        }

        return position;
    }

    /// <summary>
    /// ISO 13616: the country and check digits moved to the end, letters as 10–35, the number mod 97 is 1.
    /// </summary>
    private static bool Checks(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            remainder = char.IsAsciiDigit(c)
                ? (remainder * 10 + (c - '0')) % 97
                : (remainder * 100 + (c - 'A' + 10)) % 97;
        }

        return remainder == 1;
    }
}

using System.Globalization;

namespace McpGuard.Audit;

/// <summary>
/// A call id's text, <c>SESSION-N</c> (docs/audit.md), written straight into one string: the concatenation made two
/// per call (the number's own, then the joined one), and every judged call takes an id on the relay's pump.
/// </summary>
internal static class CallIds
{
    /// <param name="sequence">The call's number in its session, 1 or more.</param>
    public static string Format(string session, long sequence)
    {
        var digits = 1;
        for (var rest = sequence / 10; rest > 0; rest /= 10)
        {
            digits++;
        }

        return string.Create(session.Length + 1 + digits, (session, sequence), static (text, state) =>
        {
            state.session.CopyTo(text);
            text[state.session.Length] = '-';
            state.sequence.TryFormat(text[(state.session.Length + 1)..], out _, provider: CultureInfo.InvariantCulture);
        });
    }
}

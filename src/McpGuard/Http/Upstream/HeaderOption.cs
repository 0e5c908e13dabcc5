using System.Text;
using System.Text.RegularExpressions;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Reads <c>--header 'NAME: VALUE'</c>. <c>${NAME}</c> in the value is replaced by that variable of the guard's own
/// environment (a config file can then hold the reference and not the secret); a variable that is not set is a usage
/// error, not an empty value. The headers the guard derives itself (<see cref="McpRequestHeaders.Reserved"/>) cannot
/// be set, and a value may not hold CR, LF or NUL.
/// </summary>
internal static partial class HeaderOption
{
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    public static HeaderOptionOutcome Parse(string option, Func<string, string?> environment)
    {
        var colon = option.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return new HeaderOptionOutcome.Invalid("--header must be 'NAME: VALUE'.");
        }

        var name = option[..colon].Trim();
        if (!Token().IsMatch(name))
        {
            return new HeaderOptionOutcome.Invalid("--header: the name before ':' is not a valid HTTP header name.");
        }

        if (McpRequestHeaders.Reserved.Contains(name))
        {
            return new HeaderOptionOutcome.Invalid($"--header {name}: the guard sets this header itself.");
        }

        var missing = new List<string>();
        var value = Reference().Replace(option[(colon + 1)..].Trim(' ', '\t'), match =>
        {
            var variable = match.Groups[1].Value;
            var found = environment(variable);
            if (found is null)
            {
                missing.Add(variable);
                return "";
            }

            return found;
        });
        if (missing.Count > 0)
        {
            return new HeaderOptionOutcome.Invalid(
                $"--header {name}: the environment variable {string.Join(", ", missing)} is not set.");
        }

        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || Encoding.UTF8.GetByteCount(value) != value.Length)
        {
            return new HeaderOptionOutcome.Invalid($"--header {name}: the value holds a line break, NUL or a non-ASCII character.");
        }

        return new HeaderOptionOutcome.Parsed(new UpstreamHeader(name, value));
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Reads <c>--header 'NAME: VALUE'</c>. <c>${NAME}</c> in the value is replaced by that variable of the guard's own
/// environment (a config file can then hold the reference and not the secret); a variable that is not set or empty,
/// an empty value and a <c>${</c> that starts no reference are usage errors, never an empty or literal value. The
/// headers the guard derives itself (<see cref="McpRequestHeaders.Reserved"/>) cannot be set, and a value may not
/// hold CR, LF or NUL.
/// </summary>
internal static partial class HeaderOption
{
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    public static HeaderOptionOutcome Parse(string option, Func<string, string?> environment)
    {
        var colon = option.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return new HeaderOptionOutcome.Invalid("--header must be 'NAME: VALUE'.");
        }

        var name = option[..colon].Trim();
        if (NameProblem("--header", name) is { } problem)
        {
            return new HeaderOptionOutcome.Invalid(problem);
        }

        var written = option[(colon + 1)..].Trim(' ', '\t');
        if (written.Length == 0)
        {
            return new HeaderOptionOutcome.Invalid($"--header {name}: the value is empty.");
        }

        // A '${' that starts no reference (${MY-VAR}, an unclosed ${X) would go out as it is written: a typo, and
        // the server would get the reference instead of the credential.
        if (Reference().Replace(written, "").Contains("${", StringComparison.Ordinal))
        {
            return new HeaderOptionOutcome.Invalid(
                $"--header {name}: '${{' starts no ${{NAME}} reference (NAME: letters, digits and _).");
        }

        var missing = new List<string>();
        var empty = new List<string>();
        var value = Reference().Replace(written, match =>
        {
            var variable = match.Groups[1].Value;
            var found = environment(variable);
            (found is null ? missing : found.Length == 0 ? empty : null)?.Add(variable);
            return found ?? "";
        });
        if (missing.Count > 0 || empty.Count > 0)
        {
            // Never an empty credential sent in silence (an `env` entry left blank): a 401 would not say why.
            return new HeaderOptionOutcome.Invalid(missing.Count > 0
                ? $"--header {name}: the environment variable {string.Join(", ", missing)} is not set."
                : $"--header {name}: the environment variable {string.Join(", ", empty)} is empty.");
        }

        return Checked("--header", name, value);
    }

    /// <summary>
    /// Reads <c>--header-env 'NAME=VARIABLE'</c>: the header's whole value is that variable of the guard's environment,
    /// taken as it is. <c>wrap</c> writes this form (docs/wrap.md): the value sits in the entry's <c>env</c>, where the
    /// client expands its own references, and never in the arguments, which every local user can read.
    /// </summary>
    public static HeaderOptionOutcome ParseFromEnvironment(string option, Func<string, string?> environment)
    {
        var equals = option.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? option[..equals].Trim() : "";
        var variable = equals > 0 ? option[(equals + 1)..].Trim() : "";
        if (name.Length == 0 || !VariableName().IsMatch(variable))
        {
            return new HeaderOptionOutcome.Invalid("--header-env must be 'NAME=VARIABLE'.");
        }

        if (NameProblem("--header-env", name) is { } problem)
        {
            return new HeaderOptionOutcome.Invalid(problem);
        }

        return environment(variable) switch
        {
            null => new HeaderOptionOutcome.Invalid(
                $"--header-env {name}: the environment variable {variable} is not set."),
            "" => new HeaderOptionOutcome.Invalid(
                $"--header-env {name}: the environment variable {variable} is empty."),
            var value => Checked("--header-env", name, value),
        };
    }

    /// <summary>
    /// Headers about the connection rather than the request (RFC 9110 7.6.1, and <c>Expect</c>, which changes how
    /// the body is sent): the guard's HTTP client manages these, and one set by hand would change the exchange the
    /// guard relies on (an <c>Upgrade</c> to another protocol, a <c>100-continue</c> wait on every request).
    /// </summary>
    private static readonly HashSet<string> s_connectionHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Expect", "Upgrade", "TE", "Trailer", "Keep-Alive", "Proxy-Connection",
    };

    /// <summary>Why a header name cannot be sent by the guard, or null when it can.</summary>
    public static string? NameProblem(string option, string name) =>
        !Token().IsMatch(name) ? $"{option}: the header's name is not a valid HTTP header name."
        : McpRequestHeaders.Reserved.Contains(name) ? $"{option} {name}: the guard sets this header itself."
        : s_connectionHeaders.Contains(name)
            ? $"{option} {name}: a header about the connection, which the guard's HTTP client manages itself."
        : null;

    /// <summary>Whether a value can go on a header: no line break, no NUL, ASCII only.</summary>
    public static bool IsSendableValue(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0 && Encoding.UTF8.GetByteCount(value) == value.Length;

    private static HeaderOptionOutcome Checked(string option, string name, string value) =>
        !IsSendableValue(value)
            ? new HeaderOptionOutcome.Invalid(
                $"{option} {name}: the value holds a line break, NUL or a non-ASCII character.")
            : new HeaderOptionOutcome.Parsed(new UpstreamHeader(name, value));
}

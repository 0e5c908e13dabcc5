using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Policy.Results;

/// <summary>The detectors a policy names in <c>results.redact</c> and <c>results.block</c> (docs/results.md).</summary>
internal static class BuiltInDetectors
{
    public static IReadOnlyList<TextDetector> All { get; } =
    [
        new SecretsDetector(), new PrivateKeysDetector(), new EmailsDetector(), new CardNumbersDetector(),
            new IbansDetector(),
    ];

    public static IEnumerable<string> Names => All.Select(d => d.Name);

    public static bool TryFind(string name, [NotNullWhen(true)] out TextDetector? detector)
    {
        detector = All.FirstOrDefault(d => d.Name == name);
        return detector is not null;
    }
}

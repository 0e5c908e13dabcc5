using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy.Json;

namespace McpGuard.Replay;

/// <summary>
/// What a redacted record can still prove. Redaction replaces the values of secret-looking properties and
/// nothing else (docs/audit.md), so a path that names no such property, and whose values hold none, reads in the
/// record exactly what it read in the call.
/// </summary>
internal static class RecordedArguments
{
    /// <summary>
    /// True when <paramref name="path"/> reads in <paramref name="recorded"/> what it read in the call: it never
    /// steps onto a property whose value was replaced, and the values it finds hold none. A property missing from
    /// the record was missing from the call too, since redaction replaces values and never removes one.
    /// </summary>
    public static bool CanRead(JsonElement recorded, ArgumentPath path) => CanRead(recorded, [.. path.Steps], 0);

    private static bool CanRead(JsonElement value, (string Name, bool EachElement)[] steps, int index)
    {
        if (index == steps.Length)
        {
            return !HoldsSecretName(value);
        }

        if (value.ValueKind != JsonValueKind.Object || !TryGet(value, steps[index].Name, out var child))
        {
            // Not an object, or no such property: the call's arguments had the same shape here.
            return true;
        }

        if (AuditArguments.LooksSecret(steps[index].Name))
        {
            return false;
        }

        return steps[index].EachElement && child.ValueKind == JsonValueKind.Array
            ? child.EnumerateArray().All(element => CanRead(element, steps, index + 1))
            : CanRead(child, steps, index + 1);
    }

    private static bool TryGet(JsonElement value, string name, out JsonElement child)
    {
        try
        {
            return value.TryGetProperty(name, out child);
        }
        catch (InvalidOperationException)
        {
            // A key no string can hold: the evaluator fails closed on it the same way in the record and the call.
            child = default;
            return false;
        }
    }

    /// <summary>
    /// True when some property at any depth has a secret-looking name (its value may be a replacement).
    /// </summary>
    public static bool MayBeRedacted(JsonElement element) => HoldsSecretName(element);

    private static bool HoldsSecretName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object =>
            element.EnumerateObject().Any(p => AuditArguments.LooksSecret(p.Name) || HoldsSecretName(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(HoldsSecretName),
        _ => false,
    };
}

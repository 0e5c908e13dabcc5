using System.Globalization;
using System.Xml;
using McpGuard.Policy.Proving;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard test --junit FILE</c>: the run as JUnit XML, the format CI systems (GitHub Actions reporters, GitLab,
/// Jenkins, Azure Pipelines) show as test results: one <c>testsuite</c> per cases file, one <c>testcase</c> per case,
/// a <c>failure</c> with what was expected and where for each failing case.
/// </summary>
internal static class TestReportJunit
{
    /// <summary>
    /// Writes the file; false (after one line on <paramref name="error"/>) when it cannot be written.
    /// </summary>
    public static async Task<bool> TryWriteAsync(
        string path, IReadOnlyList<CaseResult> results, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(
                path, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, true);
            await WriteAsync(stream, results, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"mcpguard: cannot write the JUnit report {path}: {exception.Message}");
            return false;
        }
    }

    public static async Task WriteAsync(
        Stream stream, IReadOnlyList<CaseResult> results, CancellationToken cancellationToken)
    {
        var settings = new XmlWriterSettings
        {
            Async = true,
            Indent = true,
            Encoding = new System.Text.UTF8Encoding(false),
        };
        await using var writer = XmlWriter.Create(stream, settings);
        await writer.WriteStartDocumentAsync();
        await writer.WriteStartElementAsync(null, "testsuites", null);
        await writer.WriteAttributeStringAsync(null, "name", null, "mcpguard test");
        await WriteCountsAsync(writer, results);
        foreach (var file in results.GroupBy(r => r.Case.File))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteStartElementAsync(null, "testsuite", null);
            await writer.WriteAttributeStringAsync(null, "name", null, Text(file.Key));
            await WriteCountsAsync(writer, [.. file]);
            foreach (var result in file)
            {
                await WriteCaseAsync(writer, result);
            }

            await writer.WriteEndElementAsync();
        }

        await writer.WriteEndElementAsync();
        await writer.WriteEndDocumentAsync();
    }

    private static async Task WriteCaseAsync(XmlWriter writer, CaseResult result)
    {
        await writer.WriteStartElementAsync(null, "testcase", null);
        await writer.WriteAttributeStringAsync(null, "name", null, Text(result.Case.Name));
        await writer.WriteAttributeStringAsync(null, "classname", null, Text(Path.GetFileName(result.Case.File)));
        await writer.WriteAttributeStringAsync(null, "file", null, Text(result.Case.File));
        await writer.WriteAttributeStringAsync(null, "line", null, Number(result.Case.Line));
        await writer.WriteAttributeStringAsync(null, "time", null, "0");
        if (result.Failure is { } failure)
        {
            var message = $"{TestReportText.Expected(failure)}, got {TestReportText.Decision(failure.Actual)}";
            await writer.WriteStartElementAsync(null, "failure", null);
            await writer.WriteAttributeStringAsync(null, "message", null, Text(message));
            var type = failure.Mismatch switch
            {
                CaseMismatch.Reason => "reason",
                CaseMismatch.Result => "result",
                _ => "decision",
            };
            await writer.WriteAttributeStringAsync(null, "type", null, type);
            await writer.WriteStringAsync(Text($"{message}\n    at {TestReportText.Where(result.Case, failure)}"));
            await writer.WriteEndElementAsync();
        }
        else
        {
            await writer.WriteElementStringAsync(null, "system-out", null, Text(TestReportText.Decision(result.Last)));
        }

        await writer.WriteEndElementAsync();
    }

    private static async Task WriteCountsAsync(XmlWriter writer, IReadOnlyList<CaseResult> results)
    {
        await writer.WriteAttributeStringAsync(null, "tests", null, Number(results.Count));
        await writer.WriteAttributeStringAsync(null, "failures", null, Number(results.Count(r => !r.Passed)));
        await writer.WriteAttributeStringAsync(null, "errors", null, "0");
        await writer.WriteAttributeStringAsync(null, "skipped", null, "0");
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Names and reasons come from the cases and policy files: control characters (which XML 1.0 cannot carry)
    // are written as \uXXXX, as on a terminal.
    private static string Text(string text) => TerminalText.Printable(text);
}

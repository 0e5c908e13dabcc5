using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// docs/install.md#start-up: nothing on the way to the first answer loads OpenSSL. Its first use (the audit session
/// id and the approval key, drawn through RandomNumberGenerator) loaded libssl and libcrypto and read openssl.cnf
/// before every guard's first answer.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Run_AnsweredInitializeWithAnAuditLogAndAnApprovalRule_HasNotLoadedOpenSsl()
    {
        var policy = $$"""
            version: 1
            default: allow
            audit: { path: {{TempFiles.NewPath("audit.jsonl")}} }
            tools:
              silent: { action: require_approval }
            """;
        await using var guard = RawGuard.Start(policy, Scripts.Node(Scripts.Silent));
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await guard.ReadLineContainingAsync("\"id\":1");

        var libraries = File.ReadLines($"/proc/{guard.Pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => path.Contains("libssl", StringComparison.Ordinal)
                || path.Contains("libcrypto", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.True(libraries.Count == 0, $"the guard had mapped {string.Join(", ", libraries)}");
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// One agent per HTTP client (serve caps the requests one agent has open at 32, docs/serve.md; 64 clients are
/// 64 agents): a copy of the benchmark's policy with <c>serve.auth.tokens</c>, and the agents file beside it. Every
/// client sends its token to every side; only the guard checks it.
/// </summary>
internal static class BenchAgents
{
    public static string Token(int client) => string.Create(CultureInfo.InvariantCulture, $"mcpg_bench_{client}");

    /// <summary>Writes policy.yaml (<paramref name="policy"/> and the serve block) and agents.yaml beside it.</summary>
    public static string WritePolicy(string policy, int agents)
    {
        var folder = Directory.CreateTempSubdirectory("mcpguard-bench-agents-").FullName;
        var file = new StringBuilder("agents:\n");
        for (var i = 0; i < agents; i++)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token(i))));
            file.Append(CultureInfo.InvariantCulture, $"  - name: \"bench-{i}\"\n    sha256: {hash}\n");
            file.Append("    added: \"2026-01-01T00:00:00Z\"\n");
        }

        File.WriteAllText(Path.Combine(folder, "agents.yaml"), file.ToString());
        var path = Path.Combine(folder, "policy.yaml");
        File.WriteAllText(path, File.ReadAllText(policy) + "\nserve:\n  auth: { tokens: agents.yaml }\n");
        return path;
    }
}
